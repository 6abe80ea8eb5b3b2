package dev.tributary.produce.record;

import io.opentelemetry.context.Context;
import jakarta.annotation.Nullable;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A request's trace context, for each of its records: its W3C Trace Context headers ({@code
 * traceparent} and {@code tracestate}), copied into the records' Kafka headers as the Strimzi bridge
 * does, so consumers continue the trace; and the OpenTelemetry context of the thread that served the
 * request, which holds the request's server span when the OpenTelemetry Java agent is attached, so each
 * record's producer span is its child although the record is sent from another thread.
 *
 * <p>Public because the endpoints, one package up, read it from each request.
 *
 * @param traceparent null if the request had none that W3C says to follow
 * @param tracestate null if none, or if there is no {@code traceparent}
 * @param span null if no span was current (always, without the agent)
 */
public record TraceContext(@Nullable byte[] traceparent, @Nullable byte[] tracestate, @Nullable Context span) {

  /** The request header and Kafka header names, as W3C Trace Context and OpenTelemetry name them. */
  public static final String TRACEPARENT = "traceparent";

  public static final String TRACESTATE = "tracestate";

  /** Version 00's form; later versions may add fields after these, which are kept as sent. */
  private static final Pattern VALID =
      Pattern.compile("[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(-[0-9a-zA-Z._-]*)?");

  /** The longest {@code tracestate} copied: W3C's 32 members of 256 characters each. */
  private static final int MAX_TRACESTATE = 32 * 257;

  /**
   * The context of a request with these headers, served by the calling thread (whose current
   * OpenTelemetry context it keeps); null if the request has neither a {@code traceparent} to follow nor
   * a span. A {@code traceparent} W3C says to ignore (malformed, version {@code ff}, an all-zero id) is
   * ignored with its {@code tracestate}, as W3C says.
   */
  @Nullable
  public static TraceContext of(@Nullable String traceparent, @Nullable String tracestate) {
    Context current = Context.current();
    Context span = current == Context.root() ? null : current;
    String parent = traceparent == null ? null : traceparent.trim();
    if (parent == null || !VALID.matcher(parent).matches() || parent.startsWith("ff")) {
      return span == null ? null : new TraceContext(null, null, span);
    }
    String state = tracestate == null ? null : tracestate.trim();
    return new TraceContext(
        parent.getBytes(StandardCharsets.US_ASCII),
        state == null || state.isEmpty() || state.length() > MAX_TRACESTATE
            ? null
            : state.getBytes(StandardCharsets.ISO_8859_1),
        span);
  }

  /** This context without its headers, for a deployment that does not copy them; null if no span. */
  @Nullable
  TraceContext withoutHeaders() {
    return span == null ? null : new TraceContext(null, null, span);
  }
}

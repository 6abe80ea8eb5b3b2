package dev.tributary.produce.record;

import jakarta.annotation.Nullable;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A request's W3C Trace Context (its {@code traceparent} and {@code tracestate} headers), to be copied
 * into each of its records' Kafka headers, as the Strimzi bridge does, so consumers continue the trace.
 *
 * <p>Public because the endpoints, one package up, read it from each request.
 */
public record TraceContext(byte[] traceparent, @Nullable byte[] tracestate) {

  /** The request header and Kafka header names, as W3C Trace Context and OpenTelemetry name them. */
  public static final String TRACEPARENT = "traceparent";

  public static final String TRACESTATE = "tracestate";

  /** Version 00's form; later versions may add fields after these, which are kept as sent. */
  private static final Pattern VALID =
      Pattern.compile("[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(-[0-9a-zA-Z._-]*)?");

  /** The longest {@code tracestate} copied: W3C's 32 members of 256 characters each. */
  private static final int MAX_TRACESTATE = 32 * 257;

  /**
   * The context of a request with these headers; null if it has no {@code traceparent} or one W3C
   * says to ignore (malformed, version {@code ff}, an all-zero id), and then {@code tracestate} is
   * ignored too, as W3C says.
   */
  @Nullable
  public static TraceContext of(@Nullable String traceparent, @Nullable String tracestate) {
    if (traceparent == null) {
      return null;
    }
    String parent = traceparent.trim();
    if (!VALID.matcher(parent).matches() || parent.startsWith("ff")) {
      return null;
    }
    String state = tracestate == null ? null : tracestate.trim();
    return new TraceContext(
        parent.getBytes(StandardCharsets.US_ASCII),
        state == null || state.isEmpty() || state.length() > MAX_TRACESTATE
            ? null
            : state.getBytes(StandardCharsets.ISO_8859_1));
  }
}

package dev.tributary.testing;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the OpenTelemetry Java agent does around a Kafka producer, without the agent: a producer
 * interceptor ({@code producer.interceptor.classes}) that, inside each {@code send}, notes which span
 * was current (by the record's value) and writes a {@code traceparent} of its own into the record's
 * headers as the agent's Kafka instrumentation does (remove, then add). {@link #handledInSpans} is the
 * server side: each request handled with its {@code X-Test-Span} header current.
 */
public final class ProducerSpans implements ProducerInterceptor<byte[], byte[]> {

  /** The span a request is handled in. */
  public static final ContextKey<String> SPAN = ContextKey.named("test-span");

  /** What the interceptor writes: a traceparent naming the span current at send. */
  public static String traceparent(String span) {
    return "00-" + "0".repeat(31) + "1-" + span + "-01";
  }

  private static final Map<String, String> CURRENT_AT_SEND = new ConcurrentHashMap<>();

  /** The span current when the record with {@code value} was sent; "none" if none, null if not sent. */
  public static String currentAtSend(String value) {
    return CURRENT_AT_SEND.get(value);
  }

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    String span = Context.current().get(SPAN);
    if (record.value() != null) {
      CURRENT_AT_SEND.put(new String(record.value(), StandardCharsets.UTF_8), span == null ? "none" : span);
    }
    if (span != null) {
      record.headers().remove("traceparent").add("traceparent", traceparent(span).getBytes(StandardCharsets.US_ASCII));
    }
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}

  static Handler handledInSpans(Handler handler) {
    return new Handler.Wrapper(handler) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String span = request.getHeaders().get("X-Test-Span");
        try (Scope scope = span == null ? Scope.noop() : Context.root().with(SPAN, span).makeCurrent()) {
          return super.handle(request, response, callback);
        }
      }
    };
  }
}

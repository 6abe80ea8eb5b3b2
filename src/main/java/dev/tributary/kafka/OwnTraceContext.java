package dev.tributary.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record that sets its own {@code traceparent} or {@code tracestate}: its headers keep both names as
 * the client wrote them. The OpenTelemetry agent's Kafka instrumentation writes the producer span's
 * context into every record it sends (removing the header, then adding its own); for this record it
 * cannot, so a client that continues a trace of its own keeps it. Nothing else in the producer changes
 * headers, and the Kafka client reads them only through {@link #headers()}.
 */
final class OwnTraceContext extends ProducerRecord<byte[], byte[]> {

  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";

  private final Headers headers;

  OwnTraceContext(String topic, Integer partition, Long timestamp, byte[] key, byte[] value, Header[] headers) {
    super(topic, partition, timestamp, key, value);
    this.headers = new Kept(headers);
  }

  @Override
  public Headers headers() {
    return headers;
  }

  private static boolean kept(String key) {
    return TRACEPARENT.equals(key) || TRACESTATE.equals(key);
  }

  /** Headers whose trace context names can be neither removed nor added to. */
  private static final class Kept extends RecordHeaders {

    Kept(Header[] headers) {
      super(headers);
    }

    @Override
    public Headers add(Header header) {
      return kept(header.key()) ? this : super.add(header);
    }

    @Override
    public Headers add(String key, byte[] value) {
      return kept(key) ? this : super.add(key, value);
    }

    @Override
    public Headers remove(String key) {
      return kept(key) ? this : super.remove(key);
    }
  }
}

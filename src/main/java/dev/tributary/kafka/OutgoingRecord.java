package dev.tributary.kafka;

import java.util.List;
import java.util.Objects;

/**
 * A record ready for Kafka: bytes, not JSON.
 *
 * @param partition null lets the producer's partitioner choose
 * @param key null for a null key
 * @param value null for a null value (a tombstone on a compacted topic)
 * @param timestamp epoch milliseconds, or null for the producer's current time
 */
public record OutgoingRecord(
    String topic,
    Integer partition,
    byte[] key,
    byte[] value,
    List<Header> headers,
    Long timestamp) {

  public OutgoingRecord {
    Objects.requireNonNull(topic, "topic");
    headers = List.copyOf(headers);
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("partition < 0: " + partition);
    }
    if (timestamp != null && timestamp < 0) {
      throw new IllegalArgumentException("timestamp < 0: " + timestamp);
    }
  }

  /** A record header; names may repeat, and order is kept. */
  public record Header(String name, byte[] value) {
    public Header {
      Objects.requireNonNull(name, "name");
    }
  }
}

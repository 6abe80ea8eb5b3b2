package dev.tributary.kafka;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.annotation.Nullable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A record ready for Kafka: bytes, not JSON.
 *
 * @param partition null lets the producer's partitioner choose
 * @param key null for a null key
 * @param value null for a null value (a tombstone on a compacted topic)
 * @param timestamp epoch milliseconds, or null for the producer's current time
 * @param span the OpenTelemetry context the record is sent in (its request's server span), or null
 * @param ownTraceContext whether {@code headers} hold the record's own {@code traceparent} or {@code
 *     tracestate}, which the producer must then store as they are (see {@link OwnTraceContext})
 */
public record OutgoingRecord(
    String topic,
    Integer partition,
    byte[] key,
    byte[] value,
    List<Header> headers,
    Long timestamp,
    @Nullable Context span,
    boolean ownTraceContext) {

  /** A record sent in no span. */
  public OutgoingRecord(String topic, Integer partition, byte[] key, byte[] value, List<Header> headers, Long timestamp) {
    this(topic, partition, key, value, headers, timestamp, null, false);
  }

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

  /** The bytes the record carries: key, value, and header names and values. */
  public long payloadBytes() {
    long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (Header header : headers) {
      size += utf8Length(header.name());
      size += header.value() == null ? 0 : header.value().length;
    }
    return size;
  }

  /** The length of {@code text} in UTF-8, counted without encoding it (a lone surrogate as '?' is, 1). */
  private static int utf8Length(String text) {
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += Character.isSurrogate(c) ? 1 : 3;
      }
    }
    return length;
  }

  /**
   * An upper bound of the bytes this record takes alone in an uncompressed batch (record format v2),
   * compared with the topic's {@code max.message.bytes} before sending.
   *
   * <p>Why: a record over the topic's limit that shares a batch with others makes the producer split
   * and retry that batch without end, until its I/O thread dies of a stack overflow (seen with
   * kafka-clients 4.4.0), and with it every stream. Such a record must not reach the producer.
   */
  long sizeUpperBound() {
    final int batchOverhead = 61;
    final int maxVarint = 5;
    final int maxVarlong = 10;
    // Length, attributes, timestamp delta, offset delta, key and value lengths, header count; then
    // each header's two lengths.
    long fixed = maxVarint + 1 + maxVarlong + maxVarint + maxVarint + maxVarint + maxVarint;
    return batchOverhead + fixed + 2L * maxVarint * headers.size() + payloadBytes();
  }

  /** This record as the Kafka producer takes it. */
  ProducerRecord<byte[], byte[]> toProducerRecord() {
    org.apache.kafka.common.header.Header[] kafkaHeaders = new org.apache.kafka.common.header.Header[headers.size()];
    for (int i = 0; i < kafkaHeaders.length; i++) {
      Header header = headers.get(i);
      kafkaHeaders[i] = new RecordHeader(header.name(), header.value());
    }
    return ownTraceContext
        ? new OwnTraceContext(topic, partition, timestamp, key, value, kafkaHeaders)
        : new ProducerRecord<>(topic, partition, timestamp, key, value, Arrays.asList(kafkaHeaders));
  }

  /**
   * Makes the record's span current until the returned scope closes (null if it has none), around the
   * producer's {@code send}: the OpenTelemetry agent's producer span takes the current context as its
   * parent.
   */
  @Nullable
  Scope enterSpan() {
    return span == null ? null : span.makeCurrent();
  }

  /** A record header; names may repeat, and order is kept. */
  public record Header(String name, byte[] value) {
    public Header {
      Objects.requireNonNull(name, "name");
    }
  }
}

package dev.tributary.produce.reports;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.EmbeddedFormat;
import dev.tributary.api.ProduceResponseData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds batches of reports as bytes: each report's JSON, as data binding writes it, then {@code \r\n}.
 *
 * <p>Why not a {@link JsonGenerator} for successful reports: a stream's reports differ only in partition,
 * offset, timestamp and sizes, and writing the same cluster id and topic name through a generator,
 * escaping them again for every record, was the largest part of report writing. Here the constant start
 * is encoded once per stream (by the mapper, so escaping is data binding's own), the timestamp once per
 * millisecond, and numbers by Jackson's {@link NumberOutput}; the output is exactly what data binding
 * writes for the API's {@code ProduceResponse}. Error reports are rare, and written by the mapper.
 *
 * <p>Two buffers alternate, so a batch handed to the container's non-blocking output is not overwritten
 * while the container may still be sending it: the next batch goes to the other buffer, and the caller
 * checks {@code isReady()} (the previous write is done) before handing that one over. Not thread-safe.
 */
final class ReportEncoder {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] OFFSET = ascii(",\"offset\":");
  private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
  private static final byte[] SEQUENCE = ascii(",\"sequence\":");
  private static final byte[] DUPLICATE = ascii(",\"duplicate\":true}");
  private static final byte[][] KEY = formats(",\"key\":{\"type\":\"", "\",\"size\":");
  private static final byte[][] VALUE = formats(",\"value\":{\"type\":\"", "\",\"size\":");

  private final ObjectMapper mapper;
  private final byte[] prefix; // up to the partition id: the same in every report of the stream
  private final byte[] duplicatePrefix; // up to the topic name
  // Room for a few reports; a stream's batches grow them once.
  private byte[] bytes = new byte[512];
  private byte[] spare = new byte[512];
  private int size;
  private long timestamp;
  private byte[] timestampBytes; // the timestamp's JSON, cached: a batch's records share a millisecond

  /** An encoder for the reports of one stream, to {@code topic} of {@code clusterId}. */
  ReportEncoder(ObjectMapper mapper, String clusterId, String topic) {
    this.mapper = mapper;
    this.duplicatePrefix =
        concat(ascii("{\"error_code\":200,\"cluster_id\":"), json(clusterId), ascii(",\"topic_name\":"), json(topic));
    this.prefix = concat(duplicatePrefix, ascii(",\"partition_id\":"));
  }

  /**
   * A key's or value's format and size packed in a long, as {@link #appendProduced} takes them: 0 for
   * none, so a report waiting to be written holds numbers, not objects.
   */
  static long data(ProduceResponseData data) {
    return data == null ? 0 : (long) (data.type().ordinal() + 1) << 32 | (data.size() & 0xFFFF_FFFFL);
  }

  /** The bytes of the batch so far. */
  int size() {
    return size;
  }

  /**
   * Appends a successful report and CRLF.
   *
   * @param timestamp the record's timestamp as Kafka stored it, in milliseconds since the epoch
   * @param key the key's {@link #data}; likewise {@code value}
   * @param sequence the record's number in an exactly-once stream, or -1 (then none is written)
   */
  void appendProduced(int partition, long offset, long timestamp, long key, long value, long sequence) {
    if (timestamp != this.timestamp || timestampBytes == null) {
      timestampBytes = json(Instant.ofEpochMilli(timestamp).toString());
      this.timestamp = timestamp;
    }
    ensure(prefix.length + 64 + TIMESTAMP.length + timestampBytes.length); // with both numbers
    put(prefix);
    size = NumberOutput.outputInt(partition, bytes, size);
    put(OFFSET);
    size = NumberOutput.outputLong(offset, bytes, size);
    put(TIMESTAMP);
    put(timestampBytes);
    data(KEY, key);
    data(VALUE, value);
    sequence(sequence);
    ensure(1 + CRLF.length);
    bytes[size++] = '}';
    put(CRLF);
  }

  /** {@link #appendProduced} in a stream without sequences. */
  void appendProduced(int partition, long offset, long timestamp, long key, long value) {
    appendProduced(partition, offset, timestamp, key, value, -1);
  }

  /** Appends the report of an exactly-once stream's record that was produced before, and CRLF. */
  void appendDuplicate(long sequence) {
    ensure(duplicatePrefix.length);
    put(duplicatePrefix);
    sequence(sequence);
    ensure(DUPLICATE.length + CRLF.length);
    put(DUPLICATE);
    put(CRLF);
  }

  /**
   * Appends any other report body, written by the mapper as a JSON object, then its {@code sequence}
   * unless it is -1, and CRLF.
   */
  void appendMapped(Object report, long sequence) throws IOException {
    byte[] body = mapper.writeValueAsBytes(report);
    ensure(body.length + CRLF.length);
    put(body);
    if (sequence >= 0) {
      size--; // the object's closing brace: the sequence goes inside
      sequence(sequence);
      ensure(1);
      bytes[size++] = '}';
    }
    put(CRLF);
  }

  /** {@link #appendMapped(Object, long)} without a sequence. */
  void appendMapped(Object report) throws IOException {
    appendMapped(report, -1);
  }

  private void sequence(long sequence) {
    if (sequence >= 0) {
      ensure(SEQUENCE.length + 20);
      put(SEQUENCE);
      size = NumberOutput.outputLong(sequence, bytes, size);
    }
  }

  /**
   * Writes the batch to {@code out} and starts the next one in the other buffer. The caller must not
   * call this again before {@code out} is ready: the container may still be sending this batch.
   */
  void writeTo(OutputStream out) throws IOException {
    out.write(bytes, 0, size);
    byte[] sent = bytes;
    bytes = spare;
    spare = sent;
    size = 0;
  }

  private void data(byte[][] start, long data) {
    if (data != 0) {
      byte[] field = start[(int) (data >>> 32) - 1];
      ensure(field.length + 12);
      put(field);
      size = NumberOutput.outputInt((int) data, bytes, size);
      bytes[size++] = '}';
    }
  }

  private void put(byte[] part) {
    System.arraycopy(part, 0, bytes, size, part.length);
    size += part.length;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }

  private byte[] json(String text) {
    try {
      return mapper.writeValueAsBytes(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A string could not be written as JSON", e);
    }
  }

  private static byte[][] formats(String before, String after) {
    EmbeddedFormat[] formats = EmbeddedFormat.values();
    byte[][] encoded = new byte[formats.length][];
    for (EmbeddedFormat format : formats) {
      encoded[format.ordinal()] = ascii(before + format.name() + after);
    }
    return encoded;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] joined = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, joined, at, part.length);
      at += part.length;
    }
    return joined;
  }
}

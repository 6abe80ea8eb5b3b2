package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.EmbeddedFormat;
import dev.tributary.api.ProduceResponse;
import dev.tributary.api.ProduceResponseData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds batches of reports as bytes: each report's JSON, as data binding writes it, then {@code \r\n}.
 *
 * <p>Why not a {@link JsonGenerator} for successful reports: a stream's reports differ only in partition,
 * offset, timestamp and sizes, and writing the same cluster id and topic name through a generator,
 * escaping them again for every record, was the largest part of report writing. Here the constant start
 * is encoded once per stream (by the mapper, so escaping is data binding's own), the timestamp once per
 * millisecond, and numbers by Jackson's {@link NumberOutput}. Error reports are rare, and written by the
 * mapper.
 *
 * <p>Two buffers alternate, so a batch handed to the container's non-blocking output is not overwritten
 * while the container may still be sending it: the next batch goes to the other buffer, and the caller
 * checks {@code isReady()} (the previous write is done) before handing that one over. Not thread-safe.
 */
final class ReportEncoder {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] OFFSET = ascii(",\"offset\":");
  private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
  private static final byte[][] KEY = formats(",\"key\":{\"type\":\"", "\",\"size\":");
  private static final byte[][] VALUE = formats(",\"value\":{\"type\":\"", "\",\"size\":");

  private final ObjectMapper mapper;
  private byte[] bytes = new byte[8192];
  private byte[] spare = new byte[8192];
  private int size;

  // Caches, each checked against the strings it was built from.
  private String prefixCluster;
  private String prefixTopic;
  private byte[] prefix;
  private String timestamp;
  private byte[] timestampBytes;

  ReportEncoder(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The bytes of the batch so far. */
  int size() {
    return size;
  }

  /** Appends a successful report and CRLF. */
  void append(ProduceResponse report) {
    if (prefix == null
        || !report.clusterId().equals(prefixCluster)
        || !report.topicName().equals(prefixTopic)) {
      prefix =
          concat(
              ascii("{\"error_code\":200,\"cluster_id\":"),
              json(report.clusterId()),
              ascii(",\"topic_name\":"),
              json(report.topicName()),
              ascii(",\"partition_id\":"));
      prefixCluster = report.clusterId();
      prefixTopic = report.topicName();
    }
    ensure(prefix.length + 64); // with the partition, the offset and their separator
    put(prefix);
    size = NumberOutput.outputInt(report.partitionId(), bytes, size);
    put(OFFSET);
    size = NumberOutput.outputLong(report.offset(), bytes, size);
    if (report.timestamp() != null) {
      if (!report.timestamp().equals(timestamp)) {
        timestampBytes = json(report.timestamp());
        timestamp = report.timestamp();
      }
      ensure(TIMESTAMP.length + timestampBytes.length);
      put(TIMESTAMP);
      put(timestampBytes);
    }
    data(KEY, report.key());
    data(VALUE, report.value());
    ensure(1 + CRLF.length);
    bytes[size++] = '}';
    put(CRLF);
  }

  /** Appends any other report body, written by the mapper, and CRLF. */
  void appendMapped(Object report) throws IOException {
    byte[] body = mapper.writeValueAsBytes(report);
    ensure(body.length + CRLF.length);
    put(body);
    put(CRLF);
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

  private void data(byte[][] start, ProduceResponseData data) {
    if (data != null) {
      byte[] field = start[data.type().ordinal()];
      ensure(field.length + 12);
      put(field);
      size = NumberOutput.outputInt(data.size(), bytes, size);
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

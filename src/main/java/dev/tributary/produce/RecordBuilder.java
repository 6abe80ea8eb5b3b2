package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.ProduceRequest;
import dev.tributary.api.ProduceRequestData;
import dev.tributary.api.ProduceRequestHeader;
import dev.tributary.api.ProduceResponseData;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.OutgoingRecord;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns a {@link ProduceRequest} into the bytes Kafka stores (spec section 2). Every rule a record can
 * break is checked here and thrown as a {@link TributaryException}, so a bad record is reported before
 * anything is sent.
 */
final class RecordBuilder {

  /** How much of a bad value an error message repeats. */
  private static final int MAX_ECHO = 64;

  private final ObjectMapper mapper;

  RecordBuilder(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  PreparedRecord build(String topic, ProduceRequest request) {
    Integer partition = request.partitionId();
    if (partition != null && partition < 0) {
      throw TributaryException.of(ErrorCode.PARTITION_NOT_FOUND);
    }
    byte[] key = bytes(request.key());
    byte[] value = bytes(request.value());
    OutgoingRecord record =
        new OutgoingRecord(
            topic, partition, key, value, headers(request.headers()), timestamp(request.timestamp()));
    return new PreparedRecord(record, reported(request.key(), key), reported(request.value(), value));
  }

  private byte[] bytes(ProduceRequestData data) {
    if (data == null || data.data() == null) {
      return null;
    }
    JsonNode node = data.data();
    switch (data.type()) {
      case BINARY:
        if (!node.isTextual()) {
          throw TributaryException.badRequest("data=" + echo(node.toString()) + " is not a base64 string.");
        }
        byte[] decoded = base64(node.textValue());
        if (decoded == null) {
          throw TributaryException.badRequest("data=" + echo(node.textValue()) + " is not a valid base64 string.");
        }
        return decoded;
      case STRING:
        if (!node.isTextual()) {
          throw TributaryException.badRequest("data=" + echo(node.toString()) + " is not a string.");
        }
        return node.textValue().getBytes(StandardCharsets.UTF_8);
      case JSON:
        try {
          return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("A parsed JSON value could not be written", e);
        }
      default:
        throw new IllegalStateException("Unhandled format " + data.type());
    }
  }

  private static ProduceResponseData reported(ProduceRequestData data, byte[] bytes) {
    return data == null ? null : new ProduceResponseData(data.type(), bytes == null ? -1 : bytes.length);
  }

  private static List<OutgoingRecord.Header> headers(List<ProduceRequestHeader> headers) {
    List<OutgoingRecord.Header> result = new ArrayList<>(headers.size());
    for (ProduceRequestHeader header : headers) {
      byte[] value = null;
      if (header.value() != null) {
        value = base64(header.value());
        if (value == null) {
          throw TributaryException.badRequest(
              "header " + echo(header.name()) + " has a value that is not a valid base64 string.");
        }
      }
      result.add(new OutgoingRecord.Header(header.name(), value));
    }
    return result;
  }

  private static Long timestamp(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    Instant instant;
    try {
      instant = Instant.parse(timestamp);
    } catch (DateTimeException e) {
      throw TributaryException.badRequest(
          "timestamp=" + echo(timestamp) + " is not an ISO-8601 date-time, e.g. 2021-02-05T19:14:42Z.");
    }
    if (instant.isBefore(Instant.EPOCH)) {
      throw TributaryException.badRequest("timestamp=" + timestamp + " is before 1970-01-01T00:00:00Z.");
    }
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      throw TributaryException.badRequest("timestamp=" + echo(timestamp) + " is out of range.");
    }
  }

  /**
   * Standard base64, padded or not; null if {@code text} is not base64. (The caller words the error: a
   * message built before it is needed would cost every record its allocation.)
   */
  private static byte[] base64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String echo(String text) {
    return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
  }
}

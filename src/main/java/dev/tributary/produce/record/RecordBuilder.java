package dev.tributary.produce.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.AnyValue;
import dev.tributary.api.ProduceRequest;
import dev.tributary.api.ProduceRequestData;
import dev.tributary.api.ProduceRequestHeader;
import dev.tributary.api.ProduceResponseData;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.OutgoingRecord;
import dev.tributary.kafka.TopicRules;
import jakarta.annotation.Nullable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Turns a {@link ProduceRequest} into the bytes Kafka stores (spec section 2). Every rule a record can
 * break is checked here and thrown as a {@link TributaryException}, so a bad record is reported before
 * anything is sent: the API document's rules, valid Unicode, and the topic's own rules (timestamp bounds,
 * compaction), which the broker would otherwise enforce by refusing the record's whole producer batch,
 * with other streams' records in it. (The topic's size limit is the sender's to enforce: see {@link
 * dev.tributary.kafka.RecordSender#send}.)
 */
final class RecordBuilder {

  /** How much of a bad value an error message repeats. */
  private static final int MAX_ECHO = 64;

  private final JsonFactory json;

  RecordBuilder(ObjectMapper mapper) {
    this.json = mapper.getFactory();
  }

  /** The record {@code request} asks for, checked against {@code rules}, its topic's. */
  PreparedRecord build(String topic, ProduceRequest request, TopicRules rules) {
    return build(topic, request, rules, null);
  }

  /**
   * As {@link #build(String, ProduceRequest, TopicRules)}, carrying {@code trace} in its headers
   * ({@code traceparent}, and {@code tracestate} if any) unless the request sets either itself.
   */
  PreparedRecord build(String topic, ProduceRequest request, TopicRules rules, @Nullable TraceContext trace) {
    Integer partition = request.partitionId();
    if (partition != null && partition < 0) {
      throw TributaryException.of(ErrorCode.PARTITION_NOT_FOUND);
    }
    byte[] key = bytes(request.key(), "key");
    byte[] value = bytes(request.value(), "value");
    boolean ownContext = setsTraceContext(request.headers());
    OutgoingRecord record =
        new OutgoingRecord(
            topic, partition, key, value, headers(request.headers(), ownContext ? null : trace),
            timestamp(request.timestamp()), trace == null ? null : trace.span(), ownContext);
    check(record, request.timestamp(), rules);
    return new PreparedRecord(record, reported(request.key(), key), reported(request.value(), value));
  }

  /** {@code record} against its topic's {@code rules}; {@code timestamp} as the client wrote it. */
  private static void check(OutgoingRecord record, String timestamp, TopicRules rules) {
    if (record.timestamp() != null && rules.createTime()) {
      long ahead = record.timestamp() - System.currentTimeMillis();
      if (ahead > rules.timestampAfterMaxMs()) {
        throw TributaryException.of(ErrorCode.TIMESTAMP_TOO_LATE, echo(timestamp), rules.timestampAfterMaxMs());
      }
      if (-ahead > rules.timestampBeforeMaxMs()) {
        throw TributaryException.of(ErrorCode.TIMESTAMP_TOO_EARLY, echo(timestamp), rules.timestampBeforeMaxMs());
      }
    }
    if (rules.compacted() && record.key() == null) {
      throw TributaryException.of(ErrorCode.KEY_REQUIRED);
    }
  }

  @Nullable
  private byte[] bytes(@Nullable ProduceRequestData data, String field) {
    if (data == null || data.data() == null) {
      return null;
    }
    AnyValue value = data.data();
    switch (data.type()) {
      case BINARY:
        if (!value.isText()) {
          throw TributaryException.of(ErrorCode.NOT_BASE64, echo(value.toString()));
        }
        byte[] decoded = base64(value.text());
        if (decoded == null) {
          throw TributaryException.of(ErrorCode.INVALID_BASE64, echo(value.text()));
        }
        return decoded;
      case STRING:
        if (!value.isText()) {
          throw TributaryException.of(ErrorCode.NOT_A_STRING, echo(value.toString()));
        }
        return utf8(value.text(), field + ".data");
      case JSON:
        return exactJson(value, field + ".data");
      default:
        throw new IllegalStateException("Unhandled format " + data.type());
    }
  }

  /**
   * {@code value} as compact JSON, exactly as sent apart from whitespace: numbers keep their text (a
   * consumer gets {@code 1e400} or {@code 1.0e2}, not what a double makes of them), strings are UTF-8.
   */
  private byte[] exactJson(AnyValue value, String field) {
    ByteArrayBuilder out = new ByteArrayBuilder();
    try (JsonGenerator generator = json.createGenerator(out)) {
      value.writeTo(generator, text -> valid(text, field));
    } catch (IOException e) {
      throw new UncheckedIOException("A parsed JSON value could not be written", e);
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String text, String field) {
    return valid(text, field).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code text}, if it is valid Unicode; else a 400 naming {@code field}. */
  private static String valid(String text, String field) {
    int surrogate = unpairedSurrogate(text);
    if (surrogate >= 0) {
      throw TributaryException.of(ErrorCode.UNPAIRED_SURROGATE, field, Integer.toHexString(surrogate));
    }
    return text;
  }

  private static ProduceResponseData reported(ProduceRequestData data, byte[] bytes) {
    return data == null ? null : new ProduceResponseData(data.type(), bytes == null ? -1 : bytes.length);
  }

  private static List<OutgoingRecord.Header> headers(List<ProduceRequestHeader> headers, @Nullable TraceContext trace) {
    List<OutgoingRecord.Header> result = new ArrayList<>(headers.size() + 2);
    for (int i = 0; i < headers.size(); i++) {
      ProduceRequestHeader header = headers.get(i);
      valid(header.name(), "headers[" + i + "].name");
      byte[] value = null;
      if (header.value() != null) {
        value = base64(header.value());
        if (value == null) {
          throw TributaryException.of(ErrorCode.INVALID_HEADER_VALUE, echo(header.name()));
        }
      }
      result.add(new OutgoingRecord.Header(header.name(), value));
    }
    if (trace != null && trace.traceparent() != null) {
      result.add(new OutgoingRecord.Header(TraceContext.TRACEPARENT, trace.traceparent()));
      if (trace.tracestate() != null) {
        result.add(new OutgoingRecord.Header(TraceContext.TRACESTATE, trace.tracestate()));
      }
    }
    return result;
  }

  /** Whether the record carries its own trace context: a {@code traceparent} or {@code tracestate} header. */
  private static boolean setsTraceContext(List<ProduceRequestHeader> headers) {
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.get(i).name();
      if (TraceContext.TRACEPARENT.equals(name) || TraceContext.TRACESTATE.equals(name)) {
        return true;
      }
    }
    return false;
  }

  @Nullable
  private static Long timestamp(@Nullable String timestamp) {
    if (timestamp == null) {
      return null;
    }
    Instant instant;
    try {
      instant = Instant.parse(timestamp);
    } catch (DateTimeException e) {
      throw TributaryException.of(ErrorCode.TIMESTAMP_NOT_ISO, echo(timestamp));
    }
    if (instant.isBefore(Instant.EPOCH)) {
      throw TributaryException.of(ErrorCode.TIMESTAMP_BEFORE_EPOCH, timestamp);
    }
    try {
      return instant.toEpochMilli();
    } catch (ArithmeticException e) {
      throw TributaryException.of(ErrorCode.TIMESTAMP_OUT_OF_RANGE, echo(timestamp));
    }
  }

  /**
   * Standard base64, padded or not; null if {@code text} is not base64. (The caller words the error: a
   * message built before it is needed would cost every record its allocation.)
   */
  @Nullable
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

  /**
   * The first unpaired surrogate in {@code text} (its char value), or -1 if it has none. A {@code \ud800}
   * escape becomes a Java string no UTF-8 encoder writes faithfully: Kafka's client writes a header name
   * with one as a record the broker then refuses, failing the whole batch it is in.
   */
  private static int unpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return c;
        }
      }
    }
    return -1;
  }
}

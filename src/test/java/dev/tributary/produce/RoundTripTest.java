package dev.tributary.produce;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Http;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** Records in, bytes in Kafka and reports out, exactly: the reference's own cases (spec section 8) and charsets. */
class RoundTripTest extends ProduceRecordsFixture {

  // ---- round trips (the reference's own cases, spec section 8) ----

  @Test
  void binaryKeyAndValueAreStoredAsTheirDecodedBytes() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(topic, "{\"key\":{\"type\":\"BINARY\",\"data\":\"Zm9vYmFy\"},\"value\":{\"type\":\"BINARY\",\"data\":\"YmF6\"}}");

    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertArrayEquals("foobar".getBytes(UTF_8), record.key());
    assertArrayEquals("baz".getBytes(UTF_8), record.value());
    assertEquals(
        List.of(success(topic, record, "{\"type\":\"BINARY\",\"size\":6}", "{\"type\":\"BINARY\",\"size\":3}")),
        reply.lines());
    assertEquals(200, reply.status());
    assertEquals("application/json", reply.contentType());
  }

  @Test
  void unpaddedBase64IsAccepted() {
    String topic = env.newTopic(1);
    produce(topic, "{\"value\":{\"type\":\"BINARY\",\"data\":\"Zm9vYg\"}}");
    assertArrayEquals("foob".getBytes(UTF_8), single(topic).value());
  }

  @Test
  void stringKeyAndValueAreStoredAsUtf8() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(topic, "{\"key\":{\"type\":\"STRING\",\"data\":\"clé\"},\"value\":{\"type\":\"STRING\",\"data\":\"My message\"}}");

    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertArrayEquals("clé".getBytes(UTF_8), record.key());
    assertArrayEquals("My message".getBytes(UTF_8), record.value());
    assertEquals(
        List.of(success(topic, record, "{\"type\":\"STRING\",\"size\":4}", "{\"type\":\"STRING\",\"size\":10}")),
        reply.lines());
  }

  @Test
  void jsonDataIsStoredAsCompactJson() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(
            topic,
            "{\"key\":{\"type\":\"JSON\",\"data\":\"foo\"},\"value\":{\"type\":\"JSON\",\"data\": { \"foo\" : [1, true, null, 2.5] }}}\n"
                + "{\"key\":{\"type\":\"JSON\",\"data\":1000}}");

    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 2);
    assertEquals("\"foo\"", new String(records.get(0).key(), UTF_8));
    assertEquals("{\"foo\":[1,true,null,2.5]}", new String(records.get(0).value(), UTF_8));
    assertEquals("1000", new String(records.get(1).key(), UTF_8));
    assertNull(records.get(1).value());
    assertEquals(
        List.of(
            success(topic, records.get(0), "{\"type\":\"JSON\",\"size\":5}", "{\"type\":\"JSON\",\"size\":25}"),
            success(topic, records.get(1), "{\"type\":\"JSON\",\"size\":4}", null)),
        reply.lines());
  }

  @Test
  void absentTypeMeansJson() {
    String topic = env.newTopic(1);
    Http.Reply reply = produce(topic, "{\"key\":{\"data\":1000}}");
    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertEquals("1000", new String(record.key(), UTF_8));
    assertEquals(List.of(success(topic, record, "{\"type\":\"JSON\",\"size\":4}", null)), reply.lines());
  }

  @Test
  void nullOrAbsentDataIsANullKeyOrValueForEveryType() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(
            topic,
            "{\"key\":{\"type\":\"BINARY\",\"data\":null},\"value\":{\"type\":\"BINARY\",\"data\":null}}"
                + "{\"key\":{\"type\":\"STRING\",\"data\":null},\"value\":{\"type\":\"STRING\"}}"
                + "{\"key\":{\"type\":\"JSON\"},\"value\":{\"type\":\"JSON\",\"data\":null}}");

    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 3);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertNull(records.get(i).key());
      assertNull(records.get(i).value());
      String type = List.of("BINARY", "STRING", "JSON").get(i);
      String data = "{\"type\":\"" + type + "\",\"size\":-1}";
      expected.add(success(topic, records.get(i), data, data));
    }
    assertEquals(expected, reply.lines());
  }

  @Test
  void emptyStringIsEmptyNotNull() {
    String topic = env.newTopic(1);
    Http.Reply reply = produce(topic, "{\"value\":{\"type\":\"STRING\",\"data\":\"\"}}");
    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertArrayEquals(new byte[0], record.value());
    assertNull(record.key());
    assertEquals(List.of(success(topic, record, null, "{\"type\":\"STRING\",\"size\":0}")), reply.lines());
  }

  @Test
  void keyOnlyValueOnlyAndEmptyRecords() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(
            topic,
            "{\"key\":{\"type\":\"STRING\",\"data\":\"k\"}} {\"value\":{\"type\":\"STRING\",\"data\":\"v\"}} {} {\"key\":null,\"value\":null,\"headers\":null,\"partition_id\":null,\"timestamp\":null}");
    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 4);
    assertArrayEquals("k".getBytes(UTF_8), records.get(0).key());
    assertNull(records.get(0).value());
    assertNull(records.get(1).key());
    assertArrayEquals("v".getBytes(UTF_8), records.get(1).value());
    for (int i = 2; i < 4; i++) {
      assertNull(records.get(i).key());
      assertNull(records.get(i).value());
    }
    assertEquals(
        List.of(
            success(topic, records.get(0), "{\"type\":\"STRING\",\"size\":1}", null),
            success(topic, records.get(1), null, "{\"type\":\"STRING\",\"size\":1}"),
            success(topic, records.get(2), null, null),
            success(topic, records.get(3), null, null)),
        reply.lines());
  }

  @Test
  void partitionIdIsHonoured() {
    String topic = env.newTopic(3);
    Http.Reply reply = produce(topic, "{\"partition_id\":2,\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}");
    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertEquals(2, record.partition());
    assertEquals(List.of(success(topic, record, null, "{\"type\":\"STRING\",\"size\":1}")), reply.lines());
  }

  @Test
  void timestampIsHonoured() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(topic, "{\"timestamp\":\"1970-01-01T00:00:01Z\",\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}");
    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertEquals(1000L, record.timestamp());
    assertTrue(reply.lines().get(0).contains("\"timestamp\":\"1970-01-01T00:00:01Z\""), reply.body());
  }

  @Test
  void absentTimestampIsTheProxysCurrentTime() {
    String topic = env.newTopic(1);
    long before = System.currentTimeMillis();
    produce(topic, "{}");
    long after = System.currentTimeMillis();
    long timestamp = single(topic).timestamp();
    assertTrue(before <= timestamp && timestamp <= after, before + " <= " + timestamp + " <= " + after);
  }

  @Test
  void repeatedHeadersKeepTheirOrder() {
    String topic = env.newTopic(1);
    produce(
        topic,
        "{\"headers\":[{\"name\":\"Header-1\",\"value\":\"SGVhZGVyLTE=\"},{\"name\":\"Header-2\",\"value\":\"SGVhZGVyLTI=\"},"
            + "{\"name\":\"Header-1\",\"value\":null},{\"name\":\"Header-1\",\"value\":\"\"}]}");
    Header[] headers = single(topic).headers().toArray();
    assertEquals(4, headers.length);
    assertEquals(List.of("Header-1", "Header-2", "Header-1", "Header-1"), List.of(headers[0].key(), headers[1].key(), headers[2].key(), headers[3].key()));
    assertArrayEquals("Header-1".getBytes(UTF_8), headers[0].value());
    assertArrayEquals("Header-2".getBytes(UTF_8), headers[1].value());
    assertNull(headers[2].value());
    assertArrayEquals(new byte[0], headers[3].value());
  }

  @Test
  void hundredConcatenatedRecordsGetHundredReportsInOrder() {
    String topic = env.newTopic(3);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"record-").append(i).append("\"}}");
    }
    Http.Reply reply = Http.postChunked(env.server().uri(env.recordsPath(topic)), body.toString());

    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 100);
    assertEquals(100, records.size());
    Map<String, ConsumerRecord<byte[], byte[]>> byValue = new java.util.HashMap<>();
    records.forEach(r -> byValue.put(new String(r.value(), UTF_8), r));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ConsumerRecord<byte[], byte[]> record = byValue.get("record-" + i);
      String size = "{\"type\":\"STRING\",\"size\":" + ("record-" + i).length() + "}";
      expected.add(success(topic, record, null, size));
    }
    assertEquals(expected, reply.lines());
  }

  @Test
  void largeBinaryValueWhenBrokerAndProducerAllowIt() {
    String topic = env.newTopic(1, Map.of("max.message.bytes", String.valueOf(25 * 1024 * 1024)));
    byte[] value = new byte[20971420];
    new java.util.Random(7).nextBytes(value);
    Http.Reply reply =
        produce(topic, "{\"value\":{\"type\":\"BINARY\",\"data\":\"" + Base64.getEncoder().encodeToString(value) + "\"}}");

    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertArrayEquals(value, record.value());
    assertEquals(List.of(success(topic, record, null, "{\"type\":\"BINARY\",\"size\":20971420}")), reply.lines());
  }

  @Test
  void v3AliasServesTheSameEndpoint() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        Http.post(
            env.server().uri("/v3/clusters/" + env.broker().clusterId() + "/topics/" + topic + "/records"),
            "{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}");
    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertEquals(List.of(success(topic, record, null, "{\"type\":\"STRING\",\"size\":1}")), reply.lines());
  }

  // ---- charsets ----

  @Test
  void utf8CharsetIsAccepted() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        Http.post(
            uri(topic), "application/json; charset=utf-8", "{\"value\":{\"type\":\"STRING\",\"data\":\"é\"}}".getBytes(UTF_8));
    assertEquals(200, reply.status());
    assertArrayEquals("é".getBytes(UTF_8), single(topic).value());
  }

  @Test
  void latin1CharsetIsAcceptedAndStoredAsUtf8() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        Http.post(
            uri(topic),
            "application/json; charset=ISO-8859-1",
            "{\"value\":{\"type\":\"STRING\",\"data\":\"é\"}}".getBytes(ISO_8859_1));
    assertEquals(200, reply.status());
    assertArrayEquals("é".getBytes(UTF_8), single(topic).value());
    assertTrue(reply.lines().get(0).endsWith("\"value\":{\"type\":\"STRING\",\"size\":2}}"), reply.body());
  }

  @Test
  void otherCharsetsAreRejected() {
    String topic = env.newTopic(1);
    Http.Reply reply = Http.post(uri(topic), "application/json; charset=DEADBEEF", "{}".getBytes(UTF_8));
    assertEquals(400, reply.status());
    assertEquals(
        "{\"error_code\":400,\"message\":\"Unsupported charset in Content-Type header. Supports \\\"UTF-8\\\" and \\\"ISO-8859-1\\\".\"}",
        reply.body());
    assertEquals(0, env.consume(topic, 0).size());
  }
}

package dev.tributary.produce;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The Produce Records endpoint against a real broker, through the WAR's own web.xml in Jetty: every
 * report is compared as exact JSON, and every produced record is read back from Kafka.
 */
class ProduceRecordsTest {

  private final Environment env = Environment.get();

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

  // ---- per-record errors: reported in band, the stream goes on ----

  @Test
  void badRecordsAreReportedInBandAndTheStreamGoesOn() {
    String topic = env.newTopic(2);
    String[][] cases = {
      {"{\"value\":{\"type\":\"BINARY\",\"data\":1}}", "{\"error_code\":400,\"message\":\"Bad Request: data=1 is not a base64 string.\"}"},
      {"{\"value\":{\"type\":\"BINARY\",\"data\":\"not base64!\"}}", "{\"error_code\":400,\"message\":\"Bad Request: data=not base64! is not a valid base64 string.\"}"},
      {"{\"value\":{\"type\":\"STRING\",\"data\":{\"a\":1}}}", "{\"error_code\":400,\"message\":\"Bad Request: data={\\\"a\\\":1} is not a string.\"}"},
      {"{\"records\":[]}", "{\"error_code\":400,\"message\":\"Bad Request: Unrecognized field \\\"records\\\"\"}"},
      {"{\"value\":{\"type\":\"AVRO\",\"data\":1}}", "{\"error_code\":400,\"message\":\"Bad Request: Unsupported type AVRO at value.type: Schema Registry formats are not supported; supported types are BINARY, JSON and STRING.\"}"},
      {"{\"value\":{\"type\":\"binary\",\"data\":\"AA==\"}}", "{\"error_code\":400,\"message\":\"Bad Request: Unsupported type binary at value.type: Schema Registry formats are not supported; supported types are BINARY, JSON and STRING.\"}"},
      {"{\"key\":{\"schema_id\":1,\"data\":1}}", "{\"error_code\":400,\"message\":\"Bad Request: Unsupported field \\\"schema_id\\\": Schema Registry formats are not supported; supported types are BINARY, JSON and STRING.\"}"},
      {"{\"partition_id\":-1}", "{\"error_code\":40402,\"message\":\"Partition not found.\"}"},
      {"{\"partition_id\":2}", "{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}"},
      {"{\"partition_id\":\"one\"}", "{\"error_code\":400,\"message\":\"Bad Request: partition_id must be an integer.\"}"},
      {"{\"timestamp\":\"yesterday\"}", "{\"error_code\":400,\"message\":\"Bad Request: timestamp=yesterday is not an ISO-8601 date-time, e.g. 2021-02-05T19:14:42Z.\"}"},
      {"{\"timestamp\":\"1969-12-31T23:59:59Z\"}", "{\"error_code\":400,\"message\":\"Bad Request: timestamp=1969-12-31T23:59:59Z is before 1970-01-01T00:00:00Z.\"}"},
      {"{\"headers\":[{\"value\":\"AA==\"}]}", "{\"error_code\":400,\"message\":\"Bad Request: header name is required.\"}"},
      {"{\"headers\":[{\"name\":\"h\",\"value\":\"*\"}]}", "{\"error_code\":400,\"message\":\"Bad Request: header h has a value that is not a valid base64 string.\"}"},
      {"{\"headers\":{\"name\":\"h\"}}", "{\"error_code\":400,\"message\":\"Bad Request: headers must be an array.\"}"},
      {"{\"key\":\"plain\"}", "{\"error_code\":400,\"message\":\"Bad Request: key must be an object.\"}"},
      {"[1,2]", "{\"error_code\":400,\"message\":\"Bad Request: A record must be a JSON object.\"}"},
      {"{\"value\":{\"type\":\"STRING\",\"data\":\"a\",\"data\":\"b\"}}", "{\"error_code\":400,\"message\":\"Bad Request: Duplicate field \\\"value.data\\\".\"}"},
    };
    StringBuilder body = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (String[] c : cases) {
      body.append(c[0]).append('\n');
      expected.add(c[1]);
    }
    body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"still open\"}}");

    Http.Reply reply = Http.postChunked(uri(topic), body.toString());

    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertArrayEquals("still open".getBytes(UTF_8), record.value());
    expected.add(success(topic, record, null, "{\"type\":\"STRING\",\"size\":10}"));
    assertEquals(expected, reply.lines());
  }

  @Test
  void hundredInvalidRecordsGetHundredReportsAndTheStreamStaysOpen() {
    String topic = env.newTopic(1);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      body.append("{\"value\":{\"type\":\"BINARY\",\"data\":\"@@@\"}}");
    }
    body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}");
    Http.Reply reply = Http.postChunked(uri(topic), body.toString());

    List<String> lines = reply.lines();
    assertEquals(101, lines.size());
    for (int i = 0; i < 100; i++) {
      assertEquals("{\"error_code\":400,\"message\":\"Bad Request: data=@@@ is not a valid base64 string.\"}", lines.get(i));
    }
    assertEquals(success(topic, single(topic), null, "{\"type\":\"STRING\",\"size\":2}"), lines.get(100));
  }

  @Test
  void recordLargerThanTheTopicAllowsGets413AndTheProxyKeepsServing() {
    // Sent together, the big record would share a producer batch with the small ones; kafka-clients
    // 4.4.0 then splits and retries that batch until its I/O thread dies. The proxy must stop it first.
    String topic = env.newTopic(1, Map.of("max.message.bytes", "1000"));
    String big = "x".repeat(5000);
    String small = "{\"value\":{\"type\":\"STRING\",\"data\":\"small\"}}";
    Http.Reply reply =
        produce(topic, small + "{\"value\":{\"type\":\"STRING\",\"data\":\"" + big + "\"}}" + small);

    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 2);
    assertEquals(2, records.size());
    assertEquals(
        List.of(
            success(topic, records.get(0), null, "{\"type\":\"STRING\",\"size\":5}"),
            "{\"error_code\":413,\"message\":\"The record is larger than the topic's maximum message size (max.message.bytes=1000).\"}",
            success(topic, records.get(1), null, "{\"type\":\"STRING\",\"size\":5}")),
        reply.lines());
    String other = env.newTopic(1);
    assertEquals(200, Http.post(uri(other), small).status());
  }

  @Test
  void missingPartitionIsReportedWithinASecond() {
    String topic = env.newTopic(1);
    long start = System.nanoTime();
    Http.Reply reply = produce(topic, "{\"partition_id\":5}");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(List.of("{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}"), reply.lines());
    assertTrue(millis < 1000, "took " + millis + " ms");
  }

  @Test
  void partitionAddedAfterwardsIsFoundOnRefresh() throws Exception {
    String topic = env.newTopic(1);
    produce(topic, "{\"partition_id\":0}");
    try (var admin = env.broker().admin()) {
      admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(2))).all().get();
    }
    Thread.sleep(1100); // past the refresh back-off, so the miss refreshes the cached count
    Http.Reply reply = produce(topic, "{\"partition_id\":1}");
    assertTrue(reply.lines().get(0).startsWith("{\"error_code\":200,"), reply.body());
  }

  // ---- syntax errors end the stream ----

  @Test
  void syntaxErrorMidStreamReportsEarlierRecordsThenOneFinal400AndCloses() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        Http.postChunked(
            uri(topic),
            "{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}}{\"value\":{\"type\":\"STRING\",\"data\":\"b\"}}{\"value\": nope}{\"value\":{\"type\":\"STRING\",\"data\":\"never\"}}");

    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 2);
    assertEquals(2, records.size(), "the record after the syntax error is not produced");
    assertEquals(
        List.of(
            success(topic, records.get(0), null, "{\"type\":\"STRING\",\"size\":1}"),
            success(topic, records.get(1), null, "{\"type\":\"STRING\",\"size\":1}"),
            "{\"error_code\":400,\"message\":\"Bad Request: Error processing message: Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\"}"),
        reply.lines());
    assertEquals(200, reply.status());
  }

  @Test
  void aNumberOutOfRangeIsThatRecordsOwn400NotASyntaxError() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(
            topic,
            "{\"partition_id\":99999999999,\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}"
                + "{\"value\":{\"type\":\"STRING\",\"data\":\"after\"}}");
    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertEquals("after", new String(record.value(), UTF_8));
    assertEquals(2, reply.lines().size(), reply.body());
    assertTrue(reply.lines().get(0).startsWith("{\"error_code\":400,\"message\":\"Bad Request: "), reply.lines().get(0));
    assertFalse(reply.lines().get(0).contains("Error processing message"), reply.lines().get(0));
    assertEquals(success(topic, record, null, "{\"type\":\"STRING\",\"size\":5}"), reply.lines().get(1));
  }

  @Test
  void bodyEndingInsideARecordGetsAFinal400() {
    String topic = env.newTopic(1);
    Http.Reply reply = produce(topic, "{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}} {\"value\":");
    ConsumerRecord<byte[], byte[]> record = single(topic);
    assertEquals(
        List.of(
            success(topic, record, null, "{\"type\":\"STRING\",\"size\":1}"),
            "{\"error_code\":400,\"message\":\"Bad Request: Error processing message: Unexpected end-of-input: expected close marker for Object\"}"),
        reply.lines());
  }

  // ---- whole-request errors ----

  @Test
  void emptyBodyIs422() {
    String topic = env.newTopic(1);
    for (String body : List.of("", " \r\n\t ")) {
      Http.Reply reply = Http.post(uri(topic), body);
      assertEquals(422, reply.status());
      assertEquals("{\"error_code\":422,\"message\":\"Payload error. Request body is empty. Data is required.\"}", reply.body());
    }
  }

  @Test
  void unknownTopicIs404WithinASecond() {
    long start = System.nanoTime();
    Http.Reply reply = Http.post(uri("no-such-topic"), "{}");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(404, reply.status());
    assertEquals("{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}", reply.body());
    assertTrue(millis < 1000, "took " + millis + " ms");
  }

  @Test
  void unknownClusterIs404() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        Http.post(env.server().uri("/kafka/v3/clusters/my-cluster/topics/" + topic + "/records"), "{}");
    assertEquals(404, reply.status());
    assertEquals("{\"error_code\":404,\"message\":\"Cluster my-cluster cannot be found.\"}", reply.body());
    assertEquals(0, env.consume(topic, 0).size());
  }

  @Test
  void unknownPathIs404() {
    Http.Reply reply = Http.post(env.server().uri("/kafka/v3/nothing/here"), "{}");
    assertEquals(404, reply.status());
    assertEquals("application/json", reply.contentType());
    assertEquals("{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", reply.body());
  }

  @Test
  void otherMethodsAre405() {
    Http.Reply reply = Http.get(uri(env.newTopic(1)));
    assertEquals(405, reply.status());
    assertEquals("{\"error_code\":405,\"message\":\"HTTP 405 Method Not Allowed\"}", reply.body());
    assertEquals("POST,OPTIONS", reply.raw().headers().firstValue("Allow").orElse(""));
  }

  @Test
  void otherContentTypesAre415() {
    Http.Reply reply = Http.post(uri(env.newTopic(1)), "text/plain", "{}".getBytes(UTF_8));
    assertEquals(415, reply.status());
    assertEquals("{\"error_code\":415,\"message\":\"HTTP 415 Unsupported Media Type\"}", reply.body());
  }

  // ---- helpers ----

  private URI uri(String topic) {
    return env.server().uri(env.recordsPath(topic));
  }

  private Http.Reply produce(String topic, String body) {
    Http.Reply reply = Http.post(uri(topic), body);
    assertEquals(200, reply.status(), reply.body());
    return reply;
  }

  private ConsumerRecord<byte[], byte[]> single(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 1);
    assertEquals(1, records.size(), "records in " + topic);
    return records.get(0);
  }

  /** The exact success report for {@code record}, as read back from Kafka. */
  private String success(String topic, ConsumerRecord<byte[], byte[]> record, String key, String value) {
    return "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
        + "\",\"partition_id\":" + record.partition() + ",\"offset\":" + record.offset()
        + ",\"timestamp\":\"" + Instant.ofEpochMilli(record.timestamp()) + "\""
        + (key == null ? "" : ",\"key\":" + key)
        + (value == null ? "" : ",\"value\":" + value)
        + "}";
  }
}

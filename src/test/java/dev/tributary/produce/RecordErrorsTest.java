package dev.tributary.produce;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A record's own errors are reported in band and the stream goes on; a syntax error ends the stream after
 * the reports of the records before it.
 */
class RecordErrorsTest extends ProduceRecordsFixture {

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
    // A miss within the refresh back-off (1 s) is answered from the cache: 40403. The first miss after it
    // refreshes the count, and the record is produced. Asked until then, 50 ms apart.
    Http.Reply reply =
        Await.until(
            Duration.ofSeconds(10),
            Duration.ofMillis(50),
            () -> produce(topic, "{\"partition_id\":1}"),
            answer -> !answer.lines().get(0).contains("40403"),
            "the proxy to find the new partition");
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
}

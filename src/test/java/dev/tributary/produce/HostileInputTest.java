package dev.tributary.produce;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.StreamingClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Hostile and odd input, finding by finding: no record fails another, every client mistake is a 4xx in
 * user words, every top-level value gets one report, JSON data reaches Kafka as sent, and broken framing
 * ends the stream with a 400 after the earlier reports.
 */
class HostileInputTest {

  private final Environment env = Environment.get();

  private static final String OK_1 = "{\"partition_id\":0,\"value\":{\"data\":1}}";
  private static final String OK_3 = "{\"partition_id\":0,\"value\":{\"data\":3}}";

  // ---- 1. one client's bad record never fails another's ----

  @Test
  void timestampsTheTopicWouldRefuseAre400sAndTheirNeighboursAreProduced() {
    String topic =
        env.newTopic(1, Map.of("message.timestamp.before.max.ms", "3600000", "message.timestamp.after.max.ms", "3600000"));
    Http.Reply reply =
        produce(
            topic,
            OK_1
                + "{\"partition_id\":0,\"timestamp\":\"2030-01-01T00:00:00Z\",\"value\":{\"data\":2}}"
                + "{\"partition_id\":0,\"timestamp\":\"+99999-01-01T00:00:00Z\",\"value\":{\"data\":2}}"
                + "{\"partition_id\":0,\"timestamp\":\"1980-01-01T00:00:00Z\",\"value\":{\"data\":2}}"
                + OK_3);
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 2);
    assertEquals(List.of("1", "3"), values(stored));
    assertEquals(
        List.of(
            success(topic, stored.get(0), null, "{\"type\":\"JSON\",\"size\":1}"),
            "{\"error_code\":400,\"message\":\"Bad Request: timestamp=2030-01-01T00:00:00Z is later than this topic"
                + " accepts: at most 3600000 ms after now (message.timestamp.after.max.ms).\"}",
            "{\"error_code\":400,\"message\":\"Bad Request: timestamp=+99999-01-01T00:00:00Z is later than this topic"
                + " accepts: at most 3600000 ms after now (message.timestamp.after.max.ms).\"}",
            "{\"error_code\":400,\"message\":\"Bad Request: timestamp=1980-01-01T00:00:00Z is earlier than this topic"
                + " accepts: at most 3600000 ms before now (message.timestamp.before.max.ms).\"}",
            success(topic, stored.get(1), null, "{\"type\":\"JSON\",\"size\":1}")),
        reply.lines());
  }

  @Test
  void theBrokersDefaultTimestampBoundApplies() {
    String topic = env.newTopic(1); // message.timestamp.after.max.ms: the broker's default, one hour
    Http.Reply reply =
        produce(topic, OK_1 + "{\"partition_id\":0,\"timestamp\":\"2030-01-01T00:00:00Z\",\"value\":{\"data\":2}}" + OK_3);
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 2);
    assertEquals(List.of("1", "3"), values(stored));
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: timestamp=2030-01-01T00:00:00Z is later than this topic"
            + " accepts: at most 3600000 ms after now (message.timestamp.after.max.ms).\"}",
        reply.lines().get(1));
  }

  @Test
  void headerNamesWithALoneSurrogateAre400sAndTheirNeighboursAreProduced() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        produce(topic, OK_1 + "{\"partition_id\":0,\"headers\":[{\"name\":\"\\ud800\",\"value\":null}],\"value\":{\"data\":2}}" + OK_3);
    assertEquals(List.of("1", "3"), values(env.consume(topic, 2)));
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: headers[0].name is not valid Unicode: it has an unpaired"
            + " surrogate (\\\\ud800).\"}",
        reply.lines().get(1));
  }

  @Test
  void aRecordWithoutAKeyIsA400OnACompactedTopic() {
    String topic = env.newTopic(1, Map.of("cleanup.policy", "compact"));
    Http.Reply reply =
        produce(topic, "{\"key\":{\"data\":1},\"value\":{\"data\":1}}{\"value\":{\"data\":2}}{\"key\":{\"data\":3},\"value\":{\"data\":3}}");
    assertEquals(List.of("1", "3"), values(env.consume(topic, 2)));
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: this topic is compacted (cleanup.policy=compact): a record"
            + " needs a key.\"}",
        reply.lines().get(1));
  }

  @Test
  void anotherClientsBadRecordsNeverFailThisClientsRecords() throws Exception {
    String topic = env.newTopic(1);
    AtomicBoolean running = new AtomicBoolean(true);
    CompletableFuture<List<String>> hostile =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> reports = new ArrayList<>();
              while (running.get()) {
                reports.addAll(
                    Http.post(uri(topic), OK_1 + "{\"partition_id\":0,\"timestamp\":\"2030-01-01T00:00:00Z\",\"value\":{\"data\":2}}"
                        + "{\"partition_id\":0,\"headers\":[{\"name\":\"\\ud800\"}],\"value\":{\"data\":2}}" + OK_3).lines());
              }
              return reports;
            });
    int sent = 0;
    List<String> reports = new ArrayList<>();
    try (StreamingClient innocent = StreamingClient.open(env.server().port(), env.recordsPath(topic))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < deadline) {
        StringBuilder ten = new StringBuilder();
        for (int i = 0; i < 10; i++) {
          ten.append("{\"partition_id\":0,\"value\":{\"type\":\"STRING\",\"data\":\"innocent-").append(sent++).append("\"}}");
        }
        innocent.send(ten.toString());
        for (int i = 0; i < 10; i++) {
          reports.add(innocent.readReport());
        }
      }
      innocent.end();
      reports.addAll(innocent.readAll());
    }
    running.set(false);
    List<String> hostileReports = hostile.get(30, TimeUnit.SECONDS);
    assertEquals(sent, reports.size());
    assertEquals(List.of(), reports.stream().filter(r -> !r.startsWith("{\"error_code\":200,")).toList(), "innocent records failed");
    assertTrue(hostileReports.stream().anyMatch(r -> r.startsWith("{\"error_code\":400,")), "the hostile records were refused");
  }

  @Test
  void recordsThatShareABatchWithOneKafkaRejectsAreSentAgainAndProduced() throws Exception {
    String topic = env.newTopic(1);
    produce(topic, OK_1); // the proxy now caches the topic's timestamp bounds (the broker's: one hour)
    try (var admin = env.broker().admin()) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin
          .incrementalAlterConfigs(
              Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("message.timestamp.before.max.ms", "1000"), AlterConfigOp.OpType.SET))))
          .all()
          .get();
      // The one broker answers from its metadata image, which it sets just before it hands the change to
      // the topic's log, in the same update: well within the request through the proxy that follows.
      Await.until(
          Duration.ofSeconds(10),
          Duration.ofMillis(20),
          () -> {
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            return "1000".equals(config.get("message.timestamp.before.max.ms").value());
          },
          "the broker to report the topic's new message.timestamp.before.max.ms");
    }
    String old = Instant.now().minusSeconds(600).toString(); // within the cached bound, outside Kafka's new one
    Http.Reply reply = produce(topic, OK_1 + "{\"partition_id\":0,\"timestamp\":\"" + old + "\",\"value\":{\"data\":2}}" + OK_3);
    List<String> lines = reply.lines();
    assertTrue(lines.get(0).startsWith("{\"error_code\":200,"), reply.body());
    assertTrue(lines.get(1).startsWith("{\"error_code\":400,\"message\":\"Bad Request: Kafka refused the record's timestamp: "), lines.get(1));
    assertTrue(lines.get(2).startsWith("{\"error_code\":200,"), reply.body());
    // What RecordSender promises: both are produced, each where its report says; the record sent again
    // after the refusal may land after the later one (README: "a record sent again may land after").
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 3);
    assertEquals(3, stored.size());
    assertEquals("1", new String(stored.get(0).value(), UTF_8));
    assertEquals("1", valueAt(stored, lines.get(0)));
    assertEquals("3", valueAt(stored, lines.get(2)));
  }

  /** The value of the stored record at the offset {@code report} names (a one-partition topic). */
  private static String valueAt(List<ConsumerRecord<byte[], byte[]>> stored, String report) {
    java.util.regex.Matcher offset = java.util.regex.Pattern.compile("\"offset\":(\\d+),").matcher(report);
    assertTrue(offset.find(), report);
    long at = Long.parseLong(offset.group(1));
    return stored.stream()
        .filter(r -> r.offset() == at)
        .map(r -> new String(r.value(), UTF_8))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing stored at " + at + ": " + report));
  }

  // ---- 2. a topic name that cannot exist is a 404, not a 500 ----

  @Test
  void topicNamesThatCannotExistAre404() {
    for (String name : List.of(".", "..", "a".repeat(250), "a%20b", "a*b", "a$b", "%C3%A9t%C3%A9", "%F0%9F%98%80")) {
      Http.Reply reply =
          Http.post(env.server().uri("/v3/clusters/" + env.broker().clusterId() + "/topics/" + name + "/records"), OK_1);
      assertEquals(
          "404 {\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}",
          reply.status() + " " + reply.body(),
          name);
    }
  }

  // ---- 3. one report per top-level value ----

  @Test
  void everyTopLevelValueGetsExactlyOneReport() {
    String topic = env.newTopic(1);
    String notAnObject = "{\"error_code\":400,\"message\":\"Bad Request: A record must be a JSON object.\"}";
    for (String body : List.of("1", "true", "null", "[]", "\"text\"", "-2.5e3")) {
      assertEquals(List.of(notAnObject), produce(topic, body).lines(), body);
    }
    assertEquals(List.of(notAnObject, notAnObject), produce(topic, "1 2").lines());
    List<String> mixed = produce(topic, "null\n" + OK_1 + "[1,{}]" + OK_3 + "\n7").lines();
    assertEquals(5, mixed.size());
    assertEquals(List.of(notAnObject, notAnObject, notAnObject), List.of(mixed.get(0), mixed.get(2), mixed.get(4)));
    assertTrue(mixed.get(1).startsWith("{\"error_code\":200,") && mixed.get(3).startsWith("{\"error_code\":200,"));
  }

  // ---- 4. parser limits in user words ----

  @Test
  void parserLimitsAreReportedInUserWordsWithTheLimit() {
    String topic = env.newTopic(1);
    String prefix = "Bad Request: Error processing message: ";
    Map<String, String> cases =
        Map.of(
            "{\"value\":{\"data\":" + "[".repeat(1001) + "]".repeat(1001) + "}}",
            "JSON nested more than 1000 levels deep is not accepted.",
            "{\"value\":{\"data\":1" + "0".repeat(1000) + "}}",
            "A number longer than 1000 characters is not accepted.",
            "{\"value\":{\"data\":{\"" + "n".repeat(50001) + "\":1}}}",
            "A field name longer than 50000 characters is not accepted.",
            "{\"value\":{\"data\":NaN}}",
            "NaN and Infinity are not JSON numbers.",
            "{\"value\":{\"data\":+1}}",
            "A JSON number cannot start with '+'.",
            "{\"value\":{\"data\":1} /* note */}",
            "JSON has no comments.");
    cases.forEach(
        (record, message) -> {
          List<String> lines = produce(topic, OK_1 + record + OK_3).lines();
          assertEquals(2, lines.size(), record.length() > 200 ? record.substring(0, 200) : record);
          assertEquals("{\"error_code\":400,\"message\":\"" + prefix + message + "\"}", lines.get(1));
        });
  }

  // ---- 5. strict types, naming the field ----

  @Test
  void valuesOfTheWrongTypeAre400sNamingTheField() {
    String topic = env.newTopic(2);
    String[][] cases = {
      {"{\"partition_id\":1.5}", "Bad Request: partition_id must be an integer."},
      {"{\"partition_id\":\"1\"}", "Bad Request: partition_id must be an integer."},
      {"{\"partition_id\":\"\"}", "Bad Request: partition_id must be an integer."},
      {"{\"partition_id\":true}", "Bad Request: partition_id must be an integer."},
      {"{\"value\":{\"type\":1,\"data\":1}}", "Bad Request: value.type must be one of BINARY, JSON, STRING."},
      {"{\"key\":{\"type\":true,\"data\":1}}", "Bad Request: key.type must be one of BINARY, JSON, STRING."},
      {"{\"headers\":[{\"name\":1}]}", "Bad Request: headers[0].name must be a string."},
      {"{\"headers\":[{\"name\":\"h\",\"value\":true}]}", "Bad Request: headers[0].value must be a base64 string or null."},
      {"{\"headers\":[{\"name\":\"h\",\"value\":5}]}", "Bad Request: headers[0].value must be a base64 string or null."},
      {"{\"timestamp\":1}", "Bad Request: timestamp must be a string."},
      {"{\"value\":{\"type\":\"STRING\",\"data\":\"a\\ud800b\"}}", "Bad Request: value.data is not valid Unicode: it has an unpaired surrogate (\\\\ud800)."},
      {"{\"value\":{\"type\":\"JSON\",\"data\":{\"k\":\"\\udc00\"}}}", "Bad Request: value.data is not valid Unicode: it has an unpaired surrogate (\\\\udc00)."},
    };
    StringBuilder body = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (String[] c : cases) {
      body.append(c[0]);
      expected.add("{\"error_code\":400,\"message\":\"" + c[1] + "\"}");
    }
    body.append(OK_1);
    List<String> lines = produce(topic, body.toString()).lines();
    assertEquals(expected, lines.subList(0, expected.size()));
    assertTrue(lines.get(expected.size()).startsWith("{\"error_code\":200,"), lines.toString());
  }

  @Test
  void textThatIsNotValidUtf8EndsTheStreamWithA400() {
    String topic = env.newTopic(1);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(OK_1.getBytes(UTF_8));
    body.writeBytes("{\"value\":{\"type\":\"STRING\",\"data\":\"".getBytes(UTF_8));
    body.writeBytes(new byte[] {(byte) 0xC0, (byte) 0xAF}); // an overlong '/'
    body.writeBytes("\"}}".getBytes(UTF_8));
    body.writeBytes(OK_3.getBytes(UTF_8));
    Http.Reply reply = Http.post(uri(topic), "application/json", body.toByteArray());
    assertEquals(List.of("1"), values(env.consume(topic, 1)));
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: Error processing message: The request body is not valid UTF-8"
            + " (at byte offset 71).\"}",
        reply.lines().get(1));
    assertEquals(2, reply.lines().size());
  }

  // ---- 6. JSON data reaches Kafka as sent ----

  @Test
  void jsonDataIsProducedExactlyAsSentApartFromWhitespace() {
    String topic = env.newTopic(1);
    List<String> sent =
        List.of(
            "1e400",
            "3.1415926535897932384626433832795028841971",
            "1.0e2",
            "-0.0",
            "123456789012345678901234567890",
            "\"é😀\"",
            "{\"π\":[1.50,-0e-0,{\"a\":null}],\"b\":\"\\\"q\\\"\"}");
    StringBuilder body = new StringBuilder();
    for (String value : sent) {
      body.append("{\"value\":{\"type\":\"JSON\",\"data\": ").append(value.replace(",", " , ")).append(" }}\n");
    }
    List<String> reports = produce(topic, body.toString()).lines();
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, sent.size());
    for (int i = 0; i < sent.size(); i++) {
      byte[] expected = sent.get(i).getBytes(UTF_8);
      assertEquals(sent.get(i), new String(stored.get(i).value(), UTF_8));
      assertEquals(success(topic, stored.get(i), null, "{\"type\":\"JSON\",\"size\":" + expected.length + "}"), reports.get(i));
    }
  }

  // ---- 7. broken chunked framing gets a final 400, not an empty 200 ----

  @Test
  void brokenChunkedFramingEndsTheStreamWithA400AfterTheEarlierReports() throws Exception {
    for (String broken : List.of("zz\r\n{}\r\n", "-1\r\n{}\r\n", "fffffffffffffffffff\r\n{}\r\n", "1\r\n{XX", "2\n{}\n")) {
      String topic = env.newTopic(1);
      String response =
          Http.raw(env.server().port(),
              "POST " + env.recordsPath(topic) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(OK_1.length()) + "\r\n" + OK_1 + "\r\n" + broken);
      List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 1);
      assertEquals(List.of("1"), values(stored), broken);
      assertTrue(response.startsWith("HTTP/1.1 200 "), response);
      assertTrue(response.contains(success(topic, stored.get(0), null, "{\"type\":\"JSON\",\"size\":1}") + "\r\n"), response);
      assertTrue(
          response.contains(
              "{\"error_code\":400,\"message\":\"Bad Request: Error processing message: The request body could not be"
                  + " read: its framing is broken or it ended early.\"}\r\n"),
          broken + ": " + response);
    }
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

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> r.value() == null ? "null" : new String(r.value(), UTF_8)).toList();
  }

  String success(String topic, ConsumerRecord<byte[], byte[]> record, String key, String value) {
    return env.success(topic, record, key, value);
  }
}

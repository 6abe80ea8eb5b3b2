package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.Records;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Streaming semantics (spec section 5) over a real full-duplex connection. */
class StreamingTest {

  private final Environment env = Environment.get();

  /** The exact success reports for {@code values}, produced in order to partition 0 of {@code topic}. */
  private List<String> successes(String topic, List<String> values) {
    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, values.size());
    assertEquals(values.size(), records.size());
    List<String> reports = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      reports.add(success(topic, records.get(i), values.get(i)));
    }
    return reports;
  }

  private String success(String topic, ConsumerRecord<byte[], byte[]> record, String value) {
    int offset = (int) record.offset();
    assertEquals(value, new String(record.value(), StandardCharsets.UTF_8));
    return "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
        + "\",\"partition_id\":0,\"offset\":" + offset + ",\"timestamp\":\""
        + java.time.Instant.ofEpochMilli(record.timestamp()) + "\",\"value\":{\"type\":\"STRING\",\"size\":"
        + value.length() + "}}";
  }

  @Test
  void eachReportArrivesBeforeTheClientSendsTheNextRecord() throws Exception {
    String topic = env.newTopic(1);
    List<String> reports = new ArrayList<>();
    try (StreamingClient client = StreamingClient.open(env.server().port(), env.recordsPath(topic))) {
      for (int i = 0; i < 5; i++) {
        client.send(Records.stringValueLine("duplex-" + i));
        long start = System.nanoTime();
        reports.add(client.readReport()); // the body is still open: this only returns in full duplex
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "report " + i + " took " + millis + " ms");
      }
      assertEquals(200, client.status());
      assertEquals("application/json", client.headers().get("content-type"));
      assertEquals("chunked", client.headers().get("transfer-encoding"));
      client.end();
      assertNull(client.readReport(), "the response ends after the body ends");
    }
    assertEquals(
        successes(topic, List.of("duplex-0", "duplex-1", "duplex-2", "duplex-3", "duplex-4")), reports);
  }

  /**
   * After a syntax error the proxy reads and throws away what the client still sends (for clients that
   * read only after sending); a client that keeps its body open but sends nothing more still sees the
   * response end, once the discarding has waited its quiet second.
   */
  @Test
  void aSyntaxErrorEndsTheResponseWhileTheClientKeepsItsBodyOpen() throws Exception {
    String topic = env.newTopic(1);
    try (StreamingClient client = StreamingClient.open(env.server().port(), env.recordsPath(topic))) {
      client.send(Records.stringValueLine("before"));
      assertEquals(successes(topic, List.of("before")).get(0), client.readReport());
      client.send("{\"value\":}\n" + Records.stringValueLine("discarded"));
      assertTrue(client.readReport().startsWith("{\"error_code\":400,"));
      assertNull(client.readReport(), "the response ends though the body is still open");
    }
  }

  @Test
  void aRecordSplitAcrossChunksIsReadWhole() throws Exception {
    String topic = env.newTopic(1);
    try (StreamingClient client = StreamingClient.open(env.server().port(), env.recordsPath(topic))) {
      String whole = Records.stringValue("split") + Records.stringValue("next");
      for (char c : whole.toCharArray()) {
        client.send(String.valueOf(c));
      }
      client.end();
      assertEquals(successes(topic, List.of("split", "next")), client.readAll());
    }
  }

  /**
   * Concatenated JSON needs nothing between values: a number or literal glued to the next record is a
   * value of its own, with its own 400, and the records after it are produced.
   */
  @Test
  void aNumberOrLiteralGluedToTheNextRecordGetsItsOwnReportAndTheStreamGoesOn() throws Exception {
    String notAnObject = "{\"error_code\":400,\"message\":\"Bad Request: A record must be a JSON object.\"}";
    for (String scalar : List.of("1", "12", "true")) {
      String topic = env.newTopic(1);
      List<String> reports;
      try (StreamingClient client = StreamingClient.open(env.server().port(), env.recordsPath(topic))) {
        List<String> chunks =
            List.of(
                Records.stringValue("a"),
                scalar,
                Records.stringValue("b") + scalar + Records.stringValue("c"),
                Records.stringValue("d"));
        for (String chunk : chunks) {
          client.send(chunk); // each its own chunk, and glued within one
        }
        client.end();
        reports = client.readAll();
      }
      List<String> produced = successes(topic, List.of("a", "b", "c", "d"));
      assertEquals(
          List.of(produced.get(0), notAnObject, produced.get(1), notAnObject, produced.get(2), produced.get(3)),
          reports,
          scalar);
    }
  }

  @Test
  void endingTheBodyStillDeliversEveryPendingReport() throws Exception {
    String topic = env.newTopic(1);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      body.append(Records.stringValue("r" + i));
    }
    try (StreamingClient client = StreamingClient.open(env.server().port(), env.recordsPath(topic))) {
      client.send(body.toString());
      client.end();
      List<String> reports = client.readAll();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        values.add("r" + i);
      }
      assertEquals(successes(topic, values), reports);
    }
  }

  @Test
  void aVanishedClientsRecordsAreStillProducedAndTheProxyGoesOn() throws Exception {
    String topic = env.newTopic(1);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      body.append(Records.stringValue("gone-" + i));
    }
    StreamingClient client = StreamingClient.open(env.server().port(), env.recordsPath(topic));
    client.send(body.toString());
    client.readReport(); // the server has read the chunk holding all ten
    client.abort();

    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 10);
    assertEquals(10, records.size());
    for (int i = 0; i < 10; i++) {
      assertEquals("gone-" + i, new String(records.get(i).value(), StandardCharsets.UTF_8));
    }
    assertEquals(200, Http.post(env.server().uri(env.recordsPath(topic)), Records.stringValue("after")).status());
  }

  @Test
  void recordsAfterTheStreamsMaximumAgeGet408AndTheStreamEndsAfterTheGracePeriod() throws Exception {
    String topic = env.newTopic(1);
    String tooOld =
        "{\"error_code\":408,\"message\":\"Streaming connection open for longer than allowed: Connection will be closed.\"}";
    List<String> young = new ArrayList<>();
    try (TributaryServer server =
            Environment.startServer(
                env.broker(),
                Map.of(
                    "streaming.connection.max.duration.ms", "300",
                    "streaming.connection.max.duration.grace.period.ms", "1000"));
        StreamingClient client = StreamingClient.open(server.port(), env.recordsPath(topic))) {
      // Records until the first 408: the stream's maximum age has passed. Each is read back before the next.
      List<String> answers = new ArrayList<>();
      String report;
      do {
        String value = "young-" + young.size();
        client.send(Records.stringValue(value));
        report = client.readReport();
        if (!report.equals(tooOld)) {
          young.add(value);
          answers.add(report);
        }
      } while (!report.equals(tooOld));
      assertTrue(young.size() >= 1, "the first record is younger than 300 ms");
      client.send(Records.stringValue("old-2")); // within the grace period: answered, not produced
      assertEquals(tooOld, client.readReport());
      long start = System.nanoTime();
      assertNull(client.readReport(), "the stream ends by itself when the grace period is over");
      long waited = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waited < 2_000, "ended " + waited + " ms after the last report");
      assertEquals(successes(topic, young), answers);
    }
    assertEquals(young.size(), env.consume(topic, young.size()).size(), "records after the maximum age are not produced");
  }

  @Test
  void aRecordOverTheSizeLimitGets413AfterTheEarlierReportsAndEndsTheStream() throws Exception {
    String topic = env.newTopic(1);
    try (TributaryServer server =
            Environment.startServer(env.broker(), Map.of("api.v3.produce.request.size.limit.max.bytes", "1000"));
        StreamingClient client = StreamingClient.open(server.port(), env.recordsPath(topic))) {
      client.send(Records.stringValue("small") + Records.stringValue("x".repeat(5000)) + Records.stringValue("never"));
      assertEquals(successes(topic, List.of("small")).get(0), client.readReport());
      assertEquals(
          "{\"error_code\":413,\"message\":\"The record is larger than the maximum of 1000 bytes"
              + " (api.v3.produce.request.size.limit.max.bytes).\"}",
          client.readReport());
      assertNull(client.readReport(), "the stream ends after the oversized record");
    }
    assertEquals(1, env.consume(topic, 1).size());
  }

  /** Before a first record is whole, there is no stream yet: the request fails as a whole. */
  @Test
  void anEndlessFirstRecordIsCutOffWithoutReadingItAllAndTheRequestGets413() throws Exception {
    String topic = env.newTopic(1);
    try (TributaryServer server =
            Environment.startServer(env.broker(), Map.of("api.v3.produce.request.size.limit.max.bytes", "10000"));
        StreamingClient client = StreamingClient.open(server.port(), env.recordsPath(topic))) {
      client.send("{\"value\":{\"type\":\"STRING\",\"data\":\"");
      String kilobyte = "x".repeat(1024);
      for (int i = 0; i < 20; i++) {
        client.send(kilobyte); // the record never ends; the body stays open
      }
      assertEquals(413, client.status());
      assertEquals(
          "{\"error_code\":413,\"message\":\"The record is larger than the maximum of 10000 bytes"
              + " (api.v3.produce.request.size.limit.max.bytes).\"}",
          client.body());
    }
    assertEquals(0, env.consume(topic, 0).size());
  }

  @Test
  void anIdleClientGetsItsPendingReportsAndThenTheResponseEnds() throws Exception {
    String topic = env.newTopic(1);
    try (TributaryServer server = Environment.startServer(env.broker(), Map.of(), 1_000);
        StreamingClient client = StreamingClient.open(server.port(), env.recordsPath(topic))) {
      client.send(Records.stringValue("then-silence"));
      // The body stays open and nothing more is sent: the server's idle timeout (1 s) ends the response.
      assertEquals(successes(topic, List.of("then-silence")), client.readAll());
    }
  }
}

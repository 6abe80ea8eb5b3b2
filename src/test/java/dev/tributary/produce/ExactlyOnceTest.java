package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.Records;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once streams ({@code Tributary-Producer-Id}) against a real broker: what a read_committed
 * consumer sees after resends, cuts and takeovers, and every report as exact JSON.
 */
class ExactlyOnceTest extends ProduceRecordsFixture {

  private static String producerId() {
    return "writer-" + UUID.randomUUID();
  }

  private static Http.Reply post(URI uri, String body, String... headers) {
    return Http.postWith(uri, body, headers);
  }

  private String produced(String topic, ConsumerRecord<byte[], byte[]> record, long sequence) {
    String report = success(topic, record, null, "{\"type\":\"STRING\",\"size\":" + record.value().length + "}");
    return report.substring(0, report.length() - 1) + ",\"sequence\":" + sequence + "}";
  }

  private String duplicate(String topic, long sequence) {
    return "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
        + "\",\"sequence\":" + sequence + ",\"duplicate\":true}";
  }

  private static String values(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> Records.stringValue("r" + i)).collect(Collectors.joining());
  }

  private static List<String> consumedValues(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList());
  }

  private static List<String> expectedValues(int count) {
    return IntStream.range(0, count).mapToObj(i -> "r" + i).collect(Collectors.toList());
  }

  @Test
  void reportsCarryTheirSequenceAndComeOnceCommitted() {
    String topic = env.newTopic(1);
    Http.Reply reply = post(uri(topic), values(0, 3), "Tributary-Producer-Id", producerId());
    assertEquals(200, reply.status(), reply.body());
    assertEquals("-1", reply.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));
    List<ConsumerRecord<byte[], byte[]>> records = env.consumeCommitted(topic, 3);
    assertEquals(
        List.of(
            produced(topic, records.get(0), 0),
            produced(topic, records.get(1), 1),
            produced(topic, records.get(2), 2)),
        reply.lines());
    assertEquals(expectedValues(3), consumedValues(records));
  }

  @Test
  void aResendIsAnsweredAsDuplicatesAndNotProducedAgain() {
    String topic = env.newTopic(1);
    String id = producerId();
    assertEquals(200, post(uri(topic), values(0, 3), "Tributary-Producer-Id", id).status());
    Http.Reply resend =
        post(uri(topic), values(0, 5), "Tributary-Producer-Id", id, "Tributary-Sequence", "0");
    assertEquals(200, resend.status(), resend.body());
    assertEquals("2", resend.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));
    List<ConsumerRecord<byte[], byte[]>> records = env.consumeCommitted(topic, 5);
    assertEquals(expectedValues(5), consumedValues(records));
    assertEquals(
        List.of(
            duplicate(topic, 0),
            duplicate(topic, 1),
            duplicate(topic, 2),
            produced(topic, records.get(3), 3),
            produced(topic, records.get(4), 4)),
        resend.lines());
    Http.Reply next = post(uri(topic), values(5, 6), "Tributary-Producer-Id", id, "Tributary-Sequence", "5");
    assertEquals("4", next.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));
  }

  @Test
  void badHeadersAre400NamingTheHeader() {
    String topic = env.newTopic(1);
    String tooLong = "a".repeat(129);
    for (String id : List.of("a b", "", tooLong, "a:b", "a/b")) {
      Http.Reply reply = post(uri(topic), values(0, 1), "Tributary-Producer-Id", id);
      assertEquals(400, reply.status(), id);
      assertEquals(
          "{\"error_code\":400,\"message\":\"Bad Request: the Tributary-Producer-Id header must be 1 to 128"
              + " characters of A-Z, a-z, 0-9, '.', '_' and '-', was \\\"" + id + "\\\".\"}",
          reply.body());
    }
    for (String sequence : List.of("-1", "x", "1.5", "99999999999999999999")) {
      Http.Reply reply =
          post(uri(topic), values(0, 1), "Tributary-Producer-Id", producerId(), "Tributary-Sequence", sequence);
      assertEquals(400, reply.status(), sequence);
      assertEquals(
          "{\"error_code\":400,\"message\":\"Bad Request: the Tributary-Sequence header must be a whole number,"
              + " 0 or more, was \\\"" + sequence + "\\\".\"}",
          reply.body());
    }
    Http.Reply alone = post(uri(topic), values(0, 1), "Tributary-Sequence", "3");
    assertEquals(400, alone.status());
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: the Tributary-Sequence header needs a"
            + " Tributary-Producer-Id header.\"}",
        alone.body());
    assertEquals(List.of(), env.consume(topic, 0));
  }

  @Test
  void aBodyThatWouldLeaveAGapIsRefused() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        post(uri(topic), values(5, 6), "Tributary-Producer-Id", producerId(), "Tributary-Sequence", "5");
    assertEquals(409, reply.status());
    assertEquals(
        "{\"error_code\":40902,\"message\":\"Conflict: Tributary-Sequence 5 leaves a gap: the last committed"
            + " sequence of this producer id is -1, so a body must start at 0 or earlier.\"}",
        reply.body());
    assertEquals(List.of(), env.consume(topic, 0));
  }

  @Test
  void theStreamEndsAtTheFirstRecordNotProduced() {
    String topic = env.newTopic(1);
    String id = producerId();
    Http.Reply reply =
        post(uri(topic), values(0, 1) + "1" + values(2, 3), "Tributary-Producer-Id", id);
    assertEquals(200, reply.status());
    List<ConsumerRecord<byte[], byte[]>> records = env.consumeCommitted(topic, 1);
    assertEquals(expectedValues(1), consumedValues(records));
    List<String> lines = reply.lines();
    assertEquals(produced(topic, records.get(0), 0), lines.get(0));
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: A record must be a JSON object.\",\"sequence\":1}",
        lines.get(1));
    // The third may not be read before the reading stops; if it was, it was not sent.
    for (String later : lines.subList(2, lines.size())) {
      assertEquals(
          "{\"error_code\":40903,\"message\":\"Conflict: not produced: the record with sequence 1 was not"
              + " produced, so this exactly-once stream ends; resend from that record.\",\"sequence\":2}",
          later);
    }
    assertTrue(lines.size() <= 3, lines.toString());
    Http.Reply next = post(uri(topic), values(1, 2), "Tributary-Producer-Id", id, "Tributary-Sequence", "1");
    assertEquals("0", next.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));
  }

  /**
   * The client's connection is cut at a random point of a 20,000-record stream; it reconnects and sends
   * again from its first record without a report. Kafka holds each record once, in order.
   */
  @Test
  void aClientCutOffMidStreamResumesWithoutDuplicateOrGap() throws Exception {
    long seed = Long.getLong("eos.seed", System.nanoTime());
    Random random = new Random(seed);
    int total = 20_000;
    int cut = 1_000 + random.nextInt(total - 2_000);
    String topic = env.newTopic(1);
    String id = producerId();
    TributaryServer server = env.server();
    String path = env.recordsPath(topic);

    StreamingClient first =
        StreamingClient.open("127.0.0.1", server.port(), path, Map.of("Tributary-Producer-Id", id));
    CompletableFuture<Integer> reported =
        CompletableFuture.supplyAsync(
            () -> {
              int count = 0;
              try {
                String line;
                while ((line = first.readReport()) != null) {
                  assertTrue(line.contains("\"error_code\":200") && line.endsWith(",\"sequence\":" + count + "}"), line);
                  count++;
                }
              } catch (IOException cutOff) {
                // the connection was cut: the reports read so far are what the client knows
              }
              return count;
            });
    for (int i = 0; i < cut; i += 100) {
      first.send(values(i, Math.min(cut, i + 100)));
    }
    first.abort();
    int resumeAt = reported.get(60, TimeUnit.SECONDS);

    // A reconnect within a few milliseconds of the cut may reach the server before the cut request is
    // dispatched; that one then counts as the newer stream and takes over ("taken over" for the whole
    // request), and the client, the id's only writer, connects again.
    StreamingClient second;
    List<String> reports;
    int attempts = 0;
    do {
      attempts++;
      second = resume(server, path, id, resumeAt, total);
      reports = second.readAll();
      second.close();
    } while (second.status() == 409 && second.body().contains("\"error_code\":40901") && attempts < 5);
    assertEquals(200, second.status(), "seed " + seed + ", resumed at " + resumeAt + ": " + second.body());
    long committed = Long.parseLong(second.headers().get("tributary-committed-sequence"));
    assertTrue(committed >= resumeAt - 1 && committed < cut, "seed " + seed + ": committed " + committed);
    assertEquals(total - resumeAt, reports.size(), "seed " + seed);
    for (int i = 0; i < reports.size(); i++) {
      long sequence = resumeAt + i;
      String report = reports.get(i);
      if (sequence <= committed) {
        assertEquals(duplicate(topic, sequence), report, "seed " + seed);
      } else {
        assertTrue(
            report.startsWith("{\"error_code\":200,") && report.endsWith(",\"sequence\":" + sequence + "}"),
            "seed " + seed + ": " + report);
      }
    }
    assertEquals(expectedValues(total), consumedValues(env.consumeCommitted(topic, total)), "seed " + seed);
  }

  /** Sends records {@code from} to {@code total} with {@code id}, from a thread, and ends the body. */
  private static StreamingClient resume(TributaryServer server, String path, String id, int from, int total)
      throws IOException {
    StreamingClient client =
        StreamingClient.open(
            "127.0.0.1", server.port(), path, Map.of("Tributary-Producer-Id", id, "Tributary-Sequence", String.valueOf(from)));
    Thread sender =
        new Thread(
            () -> {
              try {
                for (int i = from; i < total; i += 100) {
                  client.send(values(i, Math.min(total, i + 100)));
                }
                client.end();
              } catch (IOException refused) {
                // the request was answered as a whole, and the connection closed
              }
            });
    sender.start();
    return client;
  }

  /**
   * A second stream with the same id takes over: the first one's open transaction is aborted, its record
   * is answered "taken over", and its response ends. (A long commit interval keeps that transaction open.)
   */
  @Test
  void aNewerStreamTakesOverAndTheOlderOnesRecordsAreNeverVisible() throws Exception {
    String topic = env.newTopic(1);
    String id = producerId();
    try (TributaryServer slow =
        Environment.startServer(env.broker(), Map.of("exactly.once.commit.interval.ms", "60000"))) {
      String path = env.recordsPath(topic);
      StreamingClient older = StreamingClient.open("127.0.0.1", slow.port(), path, Map.of("Tributary-Producer-Id", id));
      older.send(Records.stringValue("older"));
      awaitOpenTransaction(id);

      Http.Reply newer = post(slow.uri(path), values(0, 1), "Tributary-Producer-Id", id);
      assertEquals(200, newer.status(), newer.body());
      assertEquals("-1", newer.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));

      assertEquals(200, older.status());
      assertEquals(
          List.of(
              "{\"error_code\":40901,\"message\":\"Conflict: taken over: a newer stream with the same"
                  + " Tributary-Producer-Id started; this record was not produced, and this stream ends.\","
                  + "\"sequence\":0}"),
          older.readAll());
      older.close();
      List<ConsumerRecord<byte[], byte[]>> records = env.consumeCommitted(topic, 1);
      assertEquals(List.of("r0"), consumedValues(records));
      assertEquals(List.of(produced(topic, records.get(0), 0)), newer.lines());
    }
  }

  @Test
  void aStreamOverTheBoundIs429() throws Exception {
    String topic = env.newTopic(1);
    try (TributaryServer bounded =
        Environment.startServer(
            env.broker(), Map.of("exactly.once.producers.max", "1", "exactly.once.commit.interval.ms", "60000"))) {
      String path = env.recordsPath(topic);
      String id = producerId();
      StreamingClient open = StreamingClient.open("127.0.0.1", bounded.port(), path, Map.of("Tributary-Producer-Id", id));
      open.send(Records.stringValue("held"));
      awaitOpenTransaction(id);
      Http.Reply refused = post(bounded.uri(path), values(0, 1), "Tributary-Producer-Id", producerId());
      assertEquals(429, refused.status());
      assertEquals(
          "{\"error_code\":429,\"message\":\"Request rate limit exceeded: all 1 exactly-once producers are in use;"
              + " retry later\"}",
          refused.body());
      open.end();
      assertEquals(1, open.readAll().size());
      open.close();
      // Its producer is back once the stream ended: the next stream gets one.
      Await.until(
          Duration.ofSeconds(10),
          () -> post(bounded.uri(path), values(0, 1), "Tributary-Producer-Id", producerId()).status() == 200,
          "a producer back in the pool");
    }
  }

  /** Waits until Kafka shows an open transaction for the producer id (the proxy's principal). */
  private void awaitOpenTransaction(String id) {
    String transactionalId = "tributary.." + id.replace(".", "%2E");
    try (Admin admin = env.broker().admin()) {
      Await.until(
          Duration.ofSeconds(20),
          () -> {
            try {
              TransactionDescription description =
                  admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get();
              return description.state() == TransactionState.ONGOING;
            } catch (java.util.concurrent.ExecutionException notYet) {
              return false;
            }
          },
          "an open transaction of " + transactionalId);
    }
  }
}

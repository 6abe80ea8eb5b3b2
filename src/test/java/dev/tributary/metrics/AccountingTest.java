package dev.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.LogCapture;
import dev.tributary.testing.Metrics;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The counts add up (issue "Faults", fifth finding): after streams that end normally, on a syntax error,
 * by the client vanishing mid-stream (also with a full window) and by the idle timeout, {@code records_in = reports written +
 * reports undelivered}, and each equals the sum of the access log's lines.
 */
class AccountingTest {

  private static final String RECORD = "{\"value\":{\"type\":\"STRING\",\"data\":\"counted\"}}\n";
  private static final Pattern LINE = Pattern.compile(" records=(\\d+)(?: \\(([^)]*)\\))?");

  private final Queue<String> access = new ConcurrentLinkedQueue<>();
  /** Held, so the logger (and the handler on it) is not collected before the application logs to it. */
  private final Logger accessLogger = Logger.getLogger("dev.tributary.access");

  @Test
  void recordsInEqualReportsWrittenPlusUndeliveredAndTheAccessLog() throws Exception {
    Environment env = Environment.get();
    String topic = env.newTopic(1);
    String path = env.recordsPath(topic);
    // Kafka never acknowledges a record of this one (one replica, two required): its records stay in
    // the window until the delivery timeout.
    String stalled = env.newTopic(1, Map.of("min.insync.replicas", "2"));
    Handler capture = new LogCapture(
            record -> {
              if (record.getMessage().contains("/topics/" + topic + "/")
                  || record.getMessage().contains("/topics/" + stalled + "/")) {
                access.add(record.getMessage());
              }
            });
    accessLogger.addHandler(capture);
    Map<String, String> settings =
        Map.of(
            "streaming.window.max.records", "20",
            "producer.delivery.timeout.ms", "3000",
            "producer.request.timeout.ms", "1000");
    try (TributaryServer server = Environment.startServer(env.broker(), settings, 1_000)) {
      int requests = 0;

      // A normal end.
      try (StreamingClient client = StreamingClient.open(server.port(), path)) {
        client.send(RECORD.repeat(100));
        client.end();
        assertEquals(100, client.readAll().size());
      }
      requests++;

      // A syntax error ends the stream.
      try (StreamingClient client = StreamingClient.open(server.port(), path)) {
        client.send(RECORD.repeat(10) + "{\"value\":}");
        client.end();
        assertEquals(11, client.readAll().size());
      }
      requests++;

      // A storm of clients that vanish mid-stream, their reports unread.
      List<StreamingClient> storm = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        StreamingClient client = StreamingClient.open(server.port(), path);
        client.send(RECORD.repeat(500));
        storm.add(client);
      }
      for (StreamingClient client : storm) {
        client.abort();
      }
      requests += storm.size();

      // A client that vanishes while its window is full: Kafka has not answered any of its records.
      StreamingClient full = StreamingClient.open(server.port(), env.recordsPath(stalled));
      full.send(RECORD.repeat(100));
      Await.until(
          Duration.ofSeconds(10),
          () -> Metrics.sum(server, "tributary_records_in_total{topic=\"" + stalled + "\"}") >= 20,
          "the window of the client about to vanish to fill (20 records in)");
      full.abort();
      requests++;

      // The idle timeout ends a stream whose window is full.
      try (StreamingClient idleFull = StreamingClient.open(server.port(), env.recordsPath(stalled))) {
        idleFull.send(RECORD.repeat(100));
        try {
          idleFull.readAll(); // until the server gives up on the connection
        } catch (IOException e) {
          // a reset is as good an end as any here
        }
      }
      requests++;

      // The idle timeout ends a stream whose client stopped sending, neither ending nor leaving.
      try (StreamingClient client = StreamingClient.open(server.port(), path)) {
        client.send(RECORD.repeat(5));
        for (int i = 0; i < 5; i++) {
          assertTrue(client.readReport().startsWith("{\"error_code\":200,"));
        }
        try {
          client.readAll(); // until the server closes the connection
        } catch (IOException e) {
          // a reset is as good an end as any here
        }
      }
      requests++;

      // Every stream has written its access-log line once its last report was decided.
      int total = requests;
      Await.until(
          Duration.ofSeconds(30),
          Duration.ofMillis(20),
          () -> access.size() >= total && Metrics.sum(server, "tributary_records_in_flight ") == 0,
          "an access-log line for each of the " + total + " requests, and no record in flight");

      long loggedIn = 0;
      long loggedUndelivered = 0;
      for (String line : access) {
        Matcher m = LINE.matcher(line);
        assertTrue(m.find(), line);
        loggedIn += Long.parseLong(m.group(1));
        if (m.group(2) != null) {
          for (String part : m.group(2).split(" ")) {
            if (part.startsWith("undelivered:")) {
              loggedUndelivered += Long.parseLong(part.substring("undelivered:".length()));
            }
          }
        }
      }
      long in = Metrics.sum(server, "tributary_records_in_total{");
      long written = Metrics.sum(server, "tributary_records_out_total{");
      long undelivered = Metrics.sum(server, "tributary_reports_undelivered_total{");
      assertEquals(written + undelivered, in, "records in = reports written + undelivered");
      assertEquals(loggedIn, in, "records in = the access log's records");
      assertEquals(loggedUndelivered, undelivered, "undelivered = the access log's undelivered");
      assertTrue(loggedUndelivered > 0, "the storm left reports undelivered");
      assertTrue(access.stream().anyMatch(line -> line.contains("400:1")), "the syntax error was logged");
    } finally {
      accessLogger.removeHandler(capture);
    }
  }
}

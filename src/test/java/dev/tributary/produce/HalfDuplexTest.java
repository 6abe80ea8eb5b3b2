package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Metrics;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A client that sends its whole body before it reads the response: {@code java.net.http} on HTTP/1.1, like
 * Python's {@code requests} and .NET's {@code HttpClient}. Its reports wait, compactly, until it reads.
 */
class HalfDuplexTest {

  private final Environment env = Environment.get();

  @Test
  void aHalfDuplexClientGetsAReportForEachOfAHundredThousandRecords() throws Exception {
    String topic = env.newTopic(3);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"half-duplex-").append(i).append("\"}}\n");
    }
    HttpResponse<String> response = sendHalfDuplex(env.recordsPath(topic), body.toString(), Duration.ofSeconds(120));
    assertEquals(200, response.statusCode());
    String[] reports = response.body().split("\r\n");
    assertEquals(100_000, reports.length);
    assertEquals(100_000, Arrays.stream(reports).filter(r -> r.startsWith("{\"error_code\":200,")).count());
    assertEquals(100_000, env.consume(topic, 100_000).size());
  }

  /**
   * A body that cannot be read past record 10 still gets its eleven reports: the proxy reads and throws
   * away the 6 MB after the error before the response ends, so the client, still sending them, is not
   * cut off by a reset before it reads.
   */
  @Test
  void aHalfDuplexClientGetsItsReportsWhenItsBodyBreaksOffEarly() throws Exception {
    String topic = env.newTopic(1);
    String record = "{\"value\":{\"type\":\"STRING\",\"data\":\"" + "x".repeat(80) + "\"}}\n";
    String body = record.repeat(10) + "{\"value\":}\n" + record.repeat(60_000);
    HttpResponse<String> response = sendHalfDuplex(env.recordsPath(topic), body, Duration.ofSeconds(60));
    assertEquals(200, response.statusCode());
    List<String> reports = List.of(response.body().split("\r\n"));
    assertEquals(11, reports.size(), response.body());
    assertEquals(10, reports.stream().filter(r -> r.startsWith("{\"error_code\":200,")).count());
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: Error processing message: Unexpected character ('}' (code"
            + " 125)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or"
            + " 'false')\"}",
        reports.get(10));
    assertEquals(10, env.consume(topic, 10).size());
  }

  /** Likewise a request refused as a whole: the client gets its 404 after sending 6 MB it did not read. */
  @Test
  void aHalfDuplexClientGetsAWholeRequestErrorAfterSendingALargeBody() throws Exception {
    String record = "{\"value\":{\"type\":\"STRING\",\"data\":\"" + "x".repeat(80) + "\"}}\n";
    HttpResponse<String> response =
        sendHalfDuplex(env.recordsPath("no-such-topic"), record.repeat(60_000), Duration.ofSeconds(60));
    assertEquals(404, response.statusCode());
    assertEquals(
        "{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}", response.body());
  }

  /** POSTs {@code body} the way a half-duplex client does: the whole of it, then the response. */
  private HttpResponse<String> sendHalfDuplex(String path, String body, Duration timeout) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // sends, then reads
    return client
        .sendAsync(
            HttpRequest.newBuilder(env.server().uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .get(timeout.toSeconds() + 30, TimeUnit.SECONDS);
  }

  /**
   * With the held reports at their bound, the stream is no longer read: the client's sending stalls,
   * and goes on once it reads. (Whether the reading has stopped can only be seen by watching it not
   * move, so this one test watches the proxy's count of records read until it stands still.)
   */
  @Test
  void aClientThatDoesNotReadIsNoLongerReadOnceItsHeldReportsReachTheirBound() throws Exception {
    String topic = env.newTopic(1);
    String record = "{\"value\":{\"type\":\"STRING\",\"data\":\"" + "x".repeat(80) + "\"}}\n"; // 100 bytes
    int records = 100_000; // 10 MB: more than the connection's buffers hold
    try (TributaryServer server =
            Environment.startServer(
                env.broker(), Map.of("streaming.window.max.records", "100", "streaming.reports.max.held", "1000"));
        StreamingClient client = StreamingClient.open(server.port(), env.recordsPath(topic))) {
      CompletableFuture<Void> sending =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < records; i += 100) {
                    client.send(record.repeat(100));
                  }
                  client.end();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      waitUntilTheReadingStandsStill(server, topic);
      // Read but not written: the held reports and the window, and one 32 KB read past the bound at most
      // (its records are framed before the gate is looked at). Reports the connection's buffers took
      // count as written.
      long inFlight = Metrics.value(server, "tributary_records_in_flight ");
      assertTrue(inFlight >= 1000 && inFlight <= 1100 + 32 * 1024 / record.length() + 1, "records in flight: " + inFlight);
      assertTrue(!sending.isDone(), "the client's sending stalls");

      List<String> reports = client.readAll();
      sending.get(60, TimeUnit.SECONDS);
      assertEquals(records, reports.size());
      assertEquals(records, reports.stream().filter(r -> r.startsWith("{\"error_code\":200,")).count());
    }
  }

  /** Returns once the proxy's count of records read from {@code topic} is the same in two scrapes. */
  private static void waitUntilTheReadingStandsStill(TributaryServer server, String topic) {
    String name = "tributary_records_in_total{topic=\"" + topic + "\"} ";
    AtomicLong last = new AtomicLong(-1);
    Await.until(
        Duration.ofSeconds(30),
        Duration.ofMillis(500), // the time the count is watched for standing still
        () -> Metrics.value(server, name),
        read -> read == last.getAndSet(read) && read > 0,
        "the reading to stand still (the same count of records read in two scrapes 500 ms apart)");
  }
}

package dev.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.LogCapture;
import dev.tributary.testing.PromLint;
import dev.tributary.testing.TributaryServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What an operator sees: /metrics, /health/*, and the access log, on a deployment of their own. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {

  private static final String GOOD = "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}";
  private static final String BAD_PARTITION = "{\"partition_id\":-1,\"value\":{\"type\":\"STRING\",\"data\":\"no\"}}";

  private final Environment env = Environment.get();
  private final Queue<String> access = new ConcurrentLinkedQueue<>();
  /** Held, so the logger (and the handler on it) is not collected before the application logs to it. */
  private final Logger accessLogger = Logger.getLogger("dev.tributary.access");
  private final Handler capture =
      new LogCapture(record -> access.add(record.getMessage()));
  private TributaryServer server;

  @BeforeAll
  void start() throws Exception {
    accessLogger.addHandler(capture);
    server = Environment.startServer(env.broker(), Map.of("metrics.topics.max", "2"));
  }

  @AfterAll
  void stop() throws Exception {
    accessLogger.removeHandler(capture);
    server.close();
  }

  /**
   * {@code promtool check metrics} finds nothing: the proxy's meters, the HTTP server's, the JVM's and the
   * Kafka producer's, with a topic produced to and a request refused.
   */
  @Test
  void everyMetricPassesPromtoolsChecks() throws Exception {
    try (TributaryServer own = Environment.startServer(env.broker(), Map.of())) {
      String topic = env.newTopic(1);
      Http.Reply produced =
          Http.post(own.uri("/v3/clusters/" + env.broker().clusterId() + "/topics/" + topic + "/records"), GOOD);
      assertEquals(200, produced.status(), produced.body());
      assertEquals(404, Http.get(own.uri("/v3/nothing-here")).status());
      // A stream is counted when its exchange completes, just after its client has read the end.
      String stream =
          "\nhttp_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\","
              + "uri=\"/v3/clusters/{cluster_id}/topics/{topic_name}/records\"} 1\n";
      Http.Reply scrape =
          Await.until(
              Duration.ofSeconds(5),
              () -> Http.get(own.uri("/metrics")),
              reply -> reply.body().contains(stream),
              "/metrics to count the stream");
      for (String family : List.of("\nkafka_producer_", "\nhttp_server_requests_seconds", "\njvm_memory_used_bytes",
          "\njvm_gc_", "\njvm_threads_live_threads", "\nprocess_cpu_usage", "\ntributary_records_in_total")) {
        assertTrue(scrape.body().contains(family), family + " is missing: " + scrape.body());
      }
      assertEquals(List.of(), PromLint.check(scrape.body()));
      // Whole-request errors are counted by route and status; the Kafka client's times are in seconds.
      assertTrue(
          scrape.body().contains(
              "\nhttp_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"404\",uri=\"NOT_FOUND\"} 1\n"),
          scrape.body());
      assertTrue(scrape.body().contains("\nkafka_producer_io_wait_seconds_total{client_id=\""), scrape.body());
    }
  }

  @Test
  void openMetricsIsServedToAClientThatPrefersIt() {
    Http.Reply open =
        Http.send(
            java.net.http.HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"));
    assertEquals(200, open.status(), open.body());
    assertEquals(
        java.util.Set.of("application/openmetrics-text", "version=1.0.0", "charset=utf-8"),
        java.util.Arrays.stream(open.contentType().split(";")).map(String::trim).collect(java.util.stream.Collectors.toSet()),
        open.contentType());
    assertTrue(open.body().endsWith("# EOF\n"), open.body());
    assertTrue(open.body().contains("\ntributary_streams_open "), open.body());
    Http.Reply plain = Http.get(server.uri("/metrics")); // no preference: Prometheus text
    assertTrue(plain.contentType().startsWith("text/plain"), plain.contentType());
    assertTrue(!plain.body().contains("# EOF"), "Prometheus text has no EOF marker");
  }

  private List<String> metricLines(String prefix) {
    Http.Reply reply = Http.get(server.uri("/metrics"));
    assertEquals(200, reply.status());
    assertTrue(
        reply.contentType().replace(" ", "").matches("text/plain;(charset=utf-8;version=0\\.0\\.4|version=0\\.0\\.4;charset=utf-8)"),
        reply.contentType());
    List<String> lines = new ArrayList<>();
    for (String line : reply.body().split("\n")) {
      if (line.startsWith(prefix)) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void recordsAreCountedByTopicAndErrorCodeWithTopicsBeyondTheCapAsOther() throws Exception {
    String first = env.newTopic(1);
    String second = env.newTopic(1);
    String third = env.newTopic(1);
    assertEquals(200, Http.post(server.uri(env.recordsPath(first)), GOOD + GOOD + BAD_PARTITION).status());
    assertEquals(200, Http.post(server.uri(env.recordsPath(second)), GOOD).status());
    assertEquals(200, Http.post(server.uri(env.recordsPath(third)), GOOD + GOOD).status());

    assertEquals(
        List.of(
            "tributary_records_in_total{topic=\"" + first + "\"} 3.0",
            "tributary_records_in_total{topic=\"" + second + "\"} 1.0",
            "tributary_records_in_total{topic=\"_other\"} 2.0").stream().sorted().toList(),
        metricLines("tributary_records_in_total{").stream().sorted().toList());
    assertEquals(
        List.of(
            "tributary_records_out_total{error_code=\"200\",topic=\"" + first + "\"} 2.0",
            "tributary_records_out_total{error_code=\"40402\",topic=\"" + first + "\"} 1.0",
            "tributary_records_out_total{error_code=\"200\",topic=\"" + second + "\"} 1.0",
            "tributary_records_out_total{error_code=\"200\",topic=\"_other\"} 2.0").stream().sorted().toList(),
        metricLines("tributary_records_out_total{").stream().sorted().toList());
    assertTrue(
        metricLines("tributary_records_in_bytes_total{topic=\"" + first + "\"}")
            .contains(
                "tributary_records_in_bytes_total{topic=\"" + first + "\"} "
                    + (double) (2 * GOOD.length() + BAD_PARTITION.length())),
        metricLines("tributary_records_in_bytes").toString());
    assertEquals(List.of("tributary_streams_open 0.0"), metricLines("tributary_streams_open"));
    assertEquals(List.of("tributary_records_in_flight 0.0"), metricLines("tributary_records_in_flight"));
    assertEquals(List.of("tributary_stream_duration_seconds_count 3"), metricLines("tributary_stream_duration_seconds_count"));
    assertEquals(List.of("tributary_report_latency_seconds_count 6"), metricLines("tributary_report_latency_seconds_count"));
    // The Kafka producer's own meters, through Micrometer's Kafka client binder; the third topic's
    // per-topic producer meters are not registered.
    List<String> sendTotals = metricLines("kafka_producer_topic_record_send_total{");
    assertEquals(2, sendTotals.size(), sendTotals.toString());
    assertTrue(sendTotals.stream().noneMatch(line -> line.contains(third)), sendTotals.toString());
    assertTrue(!metricLines("kafka_producer_record_send_total{").isEmpty(), "producer-wide meters");
  }

  @Test
  void eachStreamAndEachRefusedRequestGetsOneAccessLogLine() throws Exception {
    String topic = env.newTopic(1);
    access.clear();
    Http.post(server.uri(env.recordsPath(topic)), GOOD + BAD_PARTITION + GOOD);
    Http.post(server.uri(env.recordsPath("no-such-topic")), GOOD);
    Await.until(Duration.ofSeconds(5), () -> access.size() >= 2, "an access-log line for each request");
    List<String> lines = new ArrayList<>(access);
    assertEquals(2, lines.size(), lines.toString());
    String path = env.recordsPath(topic);
    assertTrue(
        Pattern.matches(
            Pattern.quote("127.0.0.1 \"POST " + path + "\" 200 records=3 (200:2 40402:1) bytes="
                    + (2 * GOOD.length() + BAD_PARTITION.length()) + " ms=")
                + "\\d+",
            lines.get(0)),
        lines.get(0));
    assertTrue(
        Pattern.matches(
            Pattern.quote("127.0.0.1 \"POST " + env.recordsPath("no-such-topic") + "\" 404 records=0 ms=") + "\\d+",
            lines.get(1)),
        lines.get(1));
  }

  @Test
  void liveAndReadyWhileKafkaAnswers() {
    Http.Reply live = Http.get(server.uri("/health/live"));
    assertEquals(200, live.status());
    assertEquals("{\"status\":\"UP\"}", live.body());
    Http.Reply ready = Http.get(server.uri("/health/ready"));
    assertEquals(200, ready.status());
    assertEquals(
        "{\"status\":\"UP\",\"cluster_id\":\"" + env.broker().clusterId() + "\",\"brokers\":1}", ready.body());
  }

  @Test
  void notReadyWhileKafkaCannotBeReached() throws Exception {
    try (TributaryServer orphan = TributaryServer.start(0, Map.of("bootstrap.servers", "127.0.0.1:1"))) {
      long started = System.nanoTime();
      Http.Reply ready = Http.get(orphan.uri("/health/ready"));
      // The check gives Kafka 2 s; the margin is for a loaded machine, and far from a 60 s hang.
      assertTrue(System.nanoTime() - started < 8_000_000_000L, "answered within the check's bound");
      assertEquals(503, ready.status());
      assertTrue(ready.body().startsWith("{\"status\":\"DOWN\",\"message\":\"Kafka is not reachable: "), ready.body());
      assertEquals("{\"status\":\"UP\"}", Http.get(orphan.uri("/health/live")).body());
    }
  }
}

package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.H2Client;
import dev.tributary.testing.Http;
import dev.tributary.testing.StreamingClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * What the built WAR must do on every real server, checked the same way on each: a subclass only starts
 * its server ({@link #startServer}) and may add checks of that server's own features, ordered before
 * {@link #LAST}.
 *
 * <p>Every case produces to a topic of its own and compares each report, byte for byte, with what Kafka
 * stored. After the cases: no stream is open, no connection is left half-closed, no thread is running
 * Tributary's code, and Tributary's own threads are back to what they were after the first request; then
 * the WAR is undeployed the server's way and must leave none of its threads behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// On a thread of its own, so that a case blocked in a socket write still fails at its timeout.
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ConformanceSuite {

  /** Checks of a server's own features come before this order; the suite's final checks after it. */
  static final int LAST = 1000;

  protected final Environment env = Environment.get();
  protected AppServer server;
  private List<String> baselineThreads;

  /** Starts the server with the built WAR deployed (at {@link AppServer#CONTEXT_PATH} or at the root). */
  protected abstract AppServer startServer(Environment env) throws Exception;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void start() throws Exception {
    long started = System.nanoTime();
    server = startServer(env);
    System.out.printf("%s: the WAR answered %d ms after the server was started%n",
        server.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    // A first request creates what the WAR keeps for its lifetime (the producer and its I/O thread). It
    // is not a check: if it fails, the cases below say how.
    try {
      Http.post(server.uri(recordsPath(env.newTopic(1))), record("STRING", "\"warm-up\""));
    } catch (RuntimeException e) {
      System.out.printf("%s: the first produce request failed: %s%n", server.name(), e);
    }
    baselineThreads = settledBusyThreads();
  }

  /**
   * {@link #ownedBusyThreads} once two looks in a row agree: a single look may catch a timer in one of its
   * periodic tasks (a metadata refresh), and the suite's end would then wait for that same moment.
   */
  private List<String> settledBusyThreads() throws InterruptedException {
    java.util.concurrent.atomic.AtomicReference<List<String>> last = new java.util.concurrent.atomic.AtomicReference<>(ownedBusyThreads());
    server.awaitUntil(
        Duration.ofSeconds(10),
        () -> {
          List<String> now = ownedBusyThreads();
          return now.equals(last.getAndSet(now));
        },
        "two looks at Tributary's threads to agree");
    return last.get();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  // ---- the body, however it arrives ----

  @Test
  @Order(10)
  void oneRecordWithAContentLengthGetsItsReportAndTheResponseEnds() throws Exception {
    String topic = env.newTopic(1);
    Http.Reply reply = Http.post(server.uri(recordsPath(topic)), record("STRING", "\"one\""));
    assertEquals(200, reply.status(), reply.body());
    assertEquals("application/json", reply.contentType());
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 1);
    assertEquals(List.of("one"), values(stored));
    assertEquals(List.of(success(topic, stored.get(0), null, "STRING")), reply.lines());
  }

  @Test
  @Order(20)
  void aThousandRecordsWithAContentLengthGetAThousandReportsInOrder() throws Exception {
    String topic = env.newTopic(3);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      body.append("{\"key\":{\"type\":\"STRING\",\"data\":\"k").append(i)
          .append("\"},\"value\":{\"type\":\"JSON\",\"data\":{\"n\":").append(i).append("}}}\n");
    }
    Http.Reply reply = Http.post(server.uri(recordsPath(topic)), body.toString());
    assertEquals(200, reply.status(), reply.body());
    List<String> reports = reply.lines();
    assertEquals(1000, reports.size());
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 1000);
    assertEquals(1000, stored.size());
    for (int i = 0; i < 1000; i++) {
      ConsumerRecord<byte[], byte[]> record = find(stored, reports.get(i));
      assertEquals("k" + i, new String(record.key(), StandardCharsets.UTF_8));
      assertEquals("{\"n\":" + i + "}", new String(record.value(), StandardCharsets.UTF_8));
      assertEquals(success(topic, record, "STRING", "JSON"), reports.get(i));
    }
  }

  /**
   * Each body arrives whole while its request's checks run (a topic not yet cached), so its reading starts
   * on a thread of the proxy's and meets the body's end there: every record must still be read.
   */
  @Test
  @Order(25)
  void bodiesThatArriveWhileTheChecksRunAreReadToTheirEnd() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"").append("v".repeat(50)).append(i).append("\"}}\n");
    }
    for (int round = 0; round < 5; round++) {
      String topic = env.newTopic(1);
      Http.Reply reply = Http.post(server.uri(recordsPath(topic)), body.toString());
      assertEquals(200, reply.status(), reply.body());
      List<String> reports = reply.lines();
      assertEquals(2000, reports.stream().filter(r -> r.startsWith("{\"error_code\":200,")).count(),
          "round " + round + ": " + reports.get(reports.size() - 1));
      assertEquals(2000, reports.size());
    }
  }

  @Test
  @Order(30)
  void aChunkedBodyWrittenInOnePieceGetsEveryReportAndTheResponseEnds() throws Exception {
    String topic = env.newTopic(1);
    String records = record("STRING", "\"a\"") + record("STRING", "\"b\"") + record("STRING", "\"c\"");
    RawHttp.Response response =
        RawHttp.exchange(
            server.port(),
            "POST " + server.path(recordsPath(topic)) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(records.length()) + "\r\n" + records + "\r\n0\r\n\r\n");
    assertEquals(200, response.status(), response.body());
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 3);
    assertEquals(List.of("a", "b", "c"), values(stored));
    List<String> expected = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : stored) {
      expected.add(success(topic, record, null, "STRING") + "\r\n");
    }
    assertEquals(String.join("", expected), response.body());
  }

  @Test
  @Order(40)
  void fullDuplexEachReportArrivesBeforeTheNextRecordIsSent() throws Exception {
    String topic = env.newTopic(1);
    List<String> reports = new ArrayList<>();
    try (StreamingClient client =
        StreamingClient.open("127.0.0.2", server.port(), server.path(recordsPath(topic)))) {
      for (int i = 0; i < 5; i++) {
        client.send(record("STRING", "\"duplex-" + i + "\"") + "\n");
        reports.add(client.readReport()); // the body is still open: this returns only in full duplex
      }
      client.send("{\"value\":{\"type\":\"BINARY\",\"data\":1}}");
      client.end();
      reports.addAll(client.readAll());
      assertEquals(200, client.status());
      assertEquals("chunked", client.headers().get("transfer-encoding"));
    }
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 5);
    List<String> expected = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : stored) {
      expected.add(success(topic, record, null, "STRING"));
    }
    expected.add("{\"error_code\":400,\"message\":\"Bad Request: data=1 is not a base64 string.\"}");
    assertEquals(List.of("duplex-0", "duplex-1", "duplex-2", "duplex-3", "duplex-4"), values(stored));
    assertEquals(expected, reports);
    String accessLine =
        "127.0.0.2 \"POST " + server.path(recordsPath(topic)) + "\" 200 records=6 (200:5 400:1) bytes=";
    server.awaitUntil(Duration.ofSeconds(10), () -> server.log().contains(accessLine), "the access-log line " + accessLine);
  }

  // ---- exactly-once streams ----

  /** The exact report of {@code record} in an exactly-once stream, numbered {@code sequence}. */
  private String exactlyOnce(String topic, ConsumerRecord<byte[], byte[]> record, long sequence) {
    String report = success(topic, record, null, "STRING");
    return report.substring(0, report.length() - 1) + ",\"sequence\":" + sequence + "}";
  }

  @Test
  @Order(45)
  void anExactlyOnceStreamReportsEachRecordCommittedAndAResendAsDuplicates() throws Exception {
    String topic = env.newTopic(1);
    String id = "conformance-" + java.util.UUID.randomUUID();
    List<String> reports = new ArrayList<>();
    try (StreamingClient client =
        StreamingClient.open("127.0.0.1", server.port(), server.path(recordsPath(topic)), Map.of("Tributary-Producer-Id", id))) {
      for (int i = 0; i < 3; i++) {
        client.send(record("STRING", "\"once-" + i + "\""));
        reports.add(client.readReport()); // committed within the commit interval, while the body is open
      }
      client.end();
      reports.addAll(client.readAll());
      assertEquals(200, client.status());
      assertEquals("-1", client.headers().get("tributary-committed-sequence"));
    }
    try (StreamingClient resend =
        StreamingClient.open(
            "127.0.0.1",
            server.port(),
            server.path(recordsPath(topic)),
            Map.of("Tributary-Producer-Id", id, "Tributary-Sequence", "1"))) {
      resend.send(record("STRING", "\"once-1\"") + record("STRING", "\"once-2\"") + record("STRING", "\"once-3\""));
      resend.end();
      reports.addAll(resend.readAll());
      assertEquals("2", resend.headers().get("tributary-committed-sequence"));
    }
    List<ConsumerRecord<byte[], byte[]>> stored = env.consumeCommitted(topic, 4);
    assertEquals(List.of("once-0", "once-1", "once-2", "once-3"), values(stored));
    String duplicate =
        "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
            + "\",\"sequence\":%d,\"duplicate\":true}";
    assertEquals(
        List.of(
            exactlyOnce(topic, stored.get(0), 0),
            exactlyOnce(topic, stored.get(1), 1),
            exactlyOnce(topic, stored.get(2), 2),
            String.format(duplicate, 1),
            String.format(duplicate, 2),
            exactlyOnce(topic, stored.get(3), 3)),
        reports);
  }

  @Test
  @Order(46)
  void aNewerExactlyOnceStreamTakesOverAndTheOlderOneEnds() throws Exception {
    String topic = env.newTopic(1);
    String id = "conformance-" + java.util.UUID.randomUUID();
    try (StreamingClient older =
        StreamingClient.open(
            "127.0.0.1", server.port(), server.path(recordsPath(topic)), Map.of("Tributary-Producer-Id", id))) {
      older.send(record("STRING", "\"older-0\""));
      String first = older.readReport(); // committed: the older stream now holds the id, idle
      StreamingClient newer =
          StreamingClient.open(
              "127.0.0.1",
              server.port(),
              server.path(recordsPath(topic)),
              Map.of("Tributary-Producer-Id", id, "Tributary-Sequence", "1"));
      newer.send(record("STRING", "\"newer-1\""));
      String second = newer.readReport();
      assertEquals("0", newer.headers().get("tributary-committed-sequence"));
      assertEquals(List.of(), older.readAll(), "the older stream ends, with nothing more to report");
      assertTrue(older.endedCleanly(), "the older response ends as HTTP says");
      newer.end();
      assertEquals(List.of(), newer.readAll());
      newer.close();
      List<ConsumerRecord<byte[], byte[]>> stored = env.consumeCommitted(topic, 2);
      assertEquals(List.of("older-0", "newer-1"), values(stored));
      assertEquals(exactlyOnce(topic, stored.get(0), 0), first);
      assertEquals(exactlyOnce(topic, stored.get(1), 1), second);
    }
  }

  // ---- whole-request errors ----

  @Test
  @Order(50)
  void anEmptyBodyGets422HoweverItIsSent() throws Exception {
    String empty = "{\"error_code\":422,\"message\":\"Payload error. Request body is empty. Data is required.\"}";
    String path = server.path(recordsPath(env.newTopic(1)));
    String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    for (String request :
        List.of(
            head + "Content-Length: 0\r\n\r\n",
            head + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            head + "Content-Length: 4\r\n\r\n \r\n\t")) {
      RawHttp.Response response = RawHttp.exchange(server.port(), request);
      assertEquals(422, response.status(), request);
      assertEquals(empty, response.body(), request);
    }
  }

  @Test
  @Order(60)
  void unknownClustersTopicsAndPathsGet404() throws Exception {
    String topic = env.newTopic(1);
    assertReply(
        Http.post(server.uri("/v3/clusters/nope/topics/" + topic + "/records"), record("STRING", "\"x\"")),
        404, "{\"error_code\":404,\"message\":\"Cluster nope cannot be found.\"}");
    assertReply(
        Http.post(server.uri(recordsPath("no-such-topic")), record("STRING", "\"x\"")),
        404, "{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}");
    assertReply(
        Http.get(server.uri("/v3/nothing-here")), 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
  }

  @Test
  @Order(70)
  void otherContentTypesGet415AndOtherCharsets400() throws Exception {
    String path = recordsPath(env.newTopic(1));
    byte[] body = record("STRING", "\"x\"").getBytes(StandardCharsets.UTF_8);
    String unsupported = "{\"error_code\":415,\"message\":\"HTTP 415 Unsupported Media Type\"}";
    assertReply(Http.post(server.uri(path), "text/plain", body), 415, unsupported);
    assertReply(Http.post(server.uri(path), "application/x-www-form-urlencoded", body), 415, unsupported);
    assertReply(
        Http.post(server.uri(path), "application/json; charset=DEADBEEF", body),
        400,
        "{\"error_code\":400,\"message\":\"Unsupported charset in Content-Type header. Supports \\\"UTF-8\\\" and \\\"ISO-8859-1\\\".\"}");
  }

  // ---- streams that end early ----

  @Test
  @Order(80)
  void aSyntaxErrorMidStreamEndsTheStreamAfterTheEarlierReports() throws Exception {
    String topic = env.newTopic(1);
    Http.Reply reply =
        Http.postChunked(
            server.uri(recordsPath(topic)),
            record("STRING", "\"before\"") + "{\"value\": nope}" + record("STRING", "\"after\""));
    assertEquals(200, reply.status(), reply.body());
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 1);
    assertEquals(List.of("before"), values(stored));
    assertEquals(
        List.of(
            success(topic, stored.get(0), null, "STRING"),
            "{\"error_code\":400,\"message\":\"Bad Request: Error processing message: Unrecognized token 'nope': was"
                + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\"}"),
        reply.lines());
  }

  @Test
  @Order(90)
  void aRecordOverTheSizeLimitEndsTheStreamWith413() throws Exception {
    String topic = env.newTopic(1);
    List<String> reports;
    try (StreamingClient client = StreamingClient.open(ClientAddresses.next(), server.port(), server.path(recordsPath(topic)))) {
      client.send(record("STRING", "\"before\""));
      CompletableFuture<List<String>> reading =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.readAll();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      // Once the response has ended, nothing more is read from this connection: stop writing to it.
      reading.whenComplete((read, error) -> client.closeQuietly());
      // An endless value: the server must answer once the record passes the limit, without reading on.
      client.send("{\"value\":{\"type\":\"STRING\",\"data\":\"");
      String piece = "x".repeat(64 * 1024);
      try {
        for (int sent = 0; sent < 64 && !reading.isDone(); sent++) {
          client.send(piece);
        }
      } catch (IOException closed) {
        // The response ended (and the connection was closed here or by the server) while writing.
      }
      reports = reading.get(30, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 1);
    assertEquals(List.of("before"), values(stored));
    assertEquals(
        List.of(
            success(topic, stored.get(0), null, "STRING"),
            "{\"error_code\":413,\"message\":\"The record is larger than the maximum of 2097152 bytes"
                + " (api.v3.produce.request.size.limit.max.bytes).\"}"),
        reports);
  }

  /**
   * Clients that reset their connection mid-stream, one after another: each gets its report first, and
   * none harms the next. (A write of the stream before, racing the end its reset brought, once broke about
   * one connection in two hundred on Tomcat: the next connection served with the recycled objects got no
   * response. Hence this many, from addresses of their own, so a server's per-address limit stays out.)
   */
  @Test
  @Order(100)
  void clientsThatResetMidStreamLeaveTheServerServingTheNextOnes() throws Exception {
    String topic = env.newTopic(1);
    int clients = 300;
    for (int i = 0; i < clients; i++) {
      String address = "127.0.1." + (10 + i % 240);
      StreamingClient client = StreamingClient.open(address, server.port(), server.path(recordsPath(topic)));
      client.send(record("STRING", "\"v" + i + "\"") + "{\"value\":{\"type\":");
      String report = client.readReport();
      assertTrue(report != null && report.startsWith("{\"error_code\":200,"), "client " + i + " got " + report);
      client.abort();
    }
    assertEquals(clients, env.consume(topic, clients).size(), "each client's complete record was produced");
    Http.Reply after = Http.post(server.uri(recordsPath(topic)), record("STRING", "\"after\""));
    assertEquals(200, after.status(), after.body());
    assertTrue(after.lines().get(0).startsWith("{\"error_code\":200,"), after.body());
  }

  // ---- what a new user does first ----

  @Test
  @Order(110)
  void curlWithDataGetsItsReportAndEnds() throws Exception {
    String topic = env.newTopic(1);
    String url = server.uri(recordsPath(topic)).toString();
    String json = "{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}";
    Curl withType = Curl.run("-H", "Content-Type: application/json", "--data", json, url);
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 1);
    assertEquals(List.of("x"), values(stored));
    assertEquals(new Curl(0, success(topic, stored.get(0), null, "STRING") + "\r\n"), withType);
    // Without a Content-Type curl says the body is a form, which this endpoint does not take.
    assertEquals(
        new Curl(0, "{\"error_code\":415,\"message\":\"HTTP 415 Unsupported Media Type\"}"),
        Curl.run("--data", json, url));
  }

  @Test
  @Order(120)
  void everyEndpointAnswersUnderTheContextPathAndNamesIt() throws Exception {
    String cluster = env.broker().clusterId();
    String base = "http://127.0.0.1:" + server.port() + server.contextPath();
    String clusterJson =
        "{\"kind\":\"KafkaCluster\",\"metadata\":{\"self\":\"" + base + "/v3/clusters/" + cluster
            + "\",\"resource_name\":\"crn:///kafka=" + cluster + "\"},\"cluster_id\":\"" + cluster + "\"}";
    assertReply(
        Http.get(server.uri("/v3/clusters")),
        200,
        "{\"kind\":\"KafkaClusterList\",\"metadata\":{\"self\":\"" + base + "/v3/clusters\",\"next\":null},\"data\":["
            + clusterJson + "]}");
    assertReply(Http.get(server.uri("/v3/clusters/" + cluster)), 200, clusterJson);
    assertReply(
        Http.get(server.uri("/kafka/v3/clusters/" + cluster)),
        200,
        clusterJson.replace(base + "/v3/", base + "/kafka/v3/"));
    assertReply(Http.get(server.uri("/health/live")), 200, "{\"status\":\"UP\"}");
    assertReply(
        Http.get(server.uri("/health/ready")), 200, "{\"status\":\"UP\",\"cluster_id\":\"" + cluster + "\",\"brokers\":1}");
    Http.Reply metrics = Http.get(server.uri("/metrics"));
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("\ntributary_streams_open "), metrics.body());
    Http.Reply openapi = Http.get(server.uri("/openapi.yaml"));
    assertEquals(200, openapi.status());
    String servers = server.contextPath().isEmpty() ? "/" : server.contextPath();
    assertTrue(openapi.body().contains("\nservers:\n- url: " + servers + "\n"), openapi.body());
    String topic = env.newTopic(1);
    Http.Reply produced = Http.post(server.uri("/v3/clusters/" + cluster + "/topics/" + topic + "/records"), "{}");
    assertEquals(200, produced.status(), produced.body());
    assertTrue(produced.lines().get(0).startsWith("{\"error_code\":200,"), produced.body());
  }

  /**
   * A self link names the address the request reached: never the client's Host header, and never
   * forwarding headers the server was not told to trust.
   */
  @Test
  @Order(125)
  void selfLinksNeverEchoTheHostHeader() throws Exception {
    RawHttp.Reply reply =
        RawHttp.get(
            "127.0.0.1",
            server.port(),
            server.path("/v3/clusters"),
            "Host: evil.example:666",
            "X-Forwarded-Host: evil.example",
            "X-Forwarded-Proto: https",
            "Forwarded: proto=https;host=evil.example");
    assertEquals(200, reply.status(), reply.text());
    assertTrue(
        reply.text().contains("{\"self\":\"http://127.0.0.1:" + server.port() + server.contextPath() + "/v3/clusters\","),
        reply.text());
    assertFalse(reply.text().contains("evil.example"), reply.text());
  }

  /**
   * The access line of a request is one line of the server's log, with its time on it: not Java's
   * default two-line format, whose second line has the message without a time.
   */
  @Test
  @Order(127)
  void eachAccessLineIsOneLineOfTheServersLog() throws Exception {
    String path = recordsPath(env.newTopic(1));
    assertEquals(200, Http.post(server.uri(path), record("STRING", "\"logged\"")).status());
    String request = "\"POST " + server.path(path) + "\" 200 records=1 (200:1)";
    Pattern oneLine = Pattern.compile("(?m)^.*\\d\\d:\\d\\d:\\d\\d.*" + Pattern.quote(request) + ".*$");
    server.awaitUntil(Duration.ofSeconds(10), () -> server.log().contains(request), "the access line");
    assertTrue(oneLine.matcher(server.log()).find(), "no one-line access record for " + request);
  }

  @Test
  @Order(130)
  void everyResponseOfTheWarSaysNosniff() throws Exception {
    String cluster = env.broker().clusterId();
    String topic = env.newTopic(1);
    List<Http.Reply> replies =
        List.of(
            Http.post(server.uri(recordsPath(topic)), "{}"), // a stream
            Http.post(server.uri("/kafka/v3/clusters/" + cluster + "/topics/no-such-topic/records"), "{}"), // 404
            Http.post(server.uri(recordsPath(topic)), "text/plain", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), // 415
            Http.get(server.uri("/kafka/v3/clusters")),
            Http.get(server.uri("/no/such/path")),
            Http.get(server.uri("/health/live")),
            Http.get(server.uri("/health/ready")),
            Http.get(server.uri("/metrics")),
            Http.get(server.uri("/openapi.yaml")));
    for (Http.Reply reply : replies) {
      assertEquals(
          java.util.Optional.of("nosniff"),
          reply.raw().headers().firstValue("X-Content-Type-Options"),
          reply.raw().request().method() + " " + reply.raw().uri() + " " + reply.status());
    }
  }

  // ---- request after request, as users send them (issue 20: each case once on a fresh connection
  // passed on Tomcat while every chunked request after the first on a topic went unanswered) ----

  /**
   * Request after request on one topic, whose checks the caches answer after the first: every shape of
   * request, chunked and not, keep-alive and {@code Connection: close}, the body in the headers' write and
   * trickled after them, with and without {@code Expect: 100-continue}. Each is answered in full.
   */
  @Test
  @Order(140)
  void requestAfterRequestOnOneTopicEachShapeIsAnswered() throws Exception {
    String topic = env.newTopic(1);
    List<Connection.Shape> shapes = Connection.Shape.all();
    int requests = 40; // 20 of them chunked
    List<String> bodies = new ArrayList<>();
    Connection connection = new Connection(server.port(), 10_000);
    try {
      for (int i = 0; i < requests; i++) {
        Connection.Shape shape = shapes.get(i % shapes.size());
        List<String> records = new ArrayList<>();
        for (int j = 0; j < 3; j++) {
          records.add(record("STRING", "\"s" + (3 * i + j) + "\"") + "\n");
        }
        RawHttp.Response response;
        try {
          response = connection.post(server.path(recordsPath(topic)), records, shape);
        } catch (java.net.SocketTimeoutException e) {
          throw new AssertionError("request " + i + " (" + shape + ") got no answer within 10 s", e);
        }
        assertEquals(200, response.status(), "request " + i + " (" + shape + "): " + response.body());
        bodies.add(response.body());
      }
    } finally {
      connection.close();
    }
    List<String> expected = successes(topic, 3 * requests, "s");
    for (int i = 0; i < requests; i++) {
      assertEquals(
          String.join("\r\n", expected.subList(3 * i, 3 * i + 3)) + "\r\n",
          bodies.get(i),
          "request " + i + " (" + shapes.get(i % shapes.size()) + ")");
    }
  }

  /**
   * A client that sends its whole body before it reads (most HTTP libraries): 100,000 records with a
   * Content-Length, every report read after the last byte was sent. (Open Liberty once ended the response
   * after 23,153 reports: its writes block, which held up the reading.)
   */
  @Test
  @Order(150)
  void aHalfDuplexClientGetsEveryReportOfAHundredThousandRecords() throws Exception {
    String topic = env.newTopic(1);
    int count = 100_000;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"h").append(i).append("-").append("-".repeat(20)).append("\"}}\n");
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    RawHttp.Response response;
    try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getByName("127.0.0.1"), server.port(), java.net.InetAddress.getByName(ClientAddresses.next()), 0)) {
      socket.setSoTimeout(60_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("POST " + server.path(recordsPath(topic)) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes); // all of it before a byte of the response is read
      out.flush();
      response = RawHttp.read(new java.io.BufferedInputStream(socket.getInputStream()));
    }
    assertEquals(200, response.status(), response.body());
    List<String> reports = List.of(response.body().split("\r\n"));
    assertEquals(count, reports.size(), "reports; the last: " + reports.get(reports.size() - 1));
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, count);
    assertEquals(count, stored.size());
    for (int i = 0; i < count; i++) {
      assertEquals("h" + i + "-" + "-".repeat(20), new String(stored.get(i).value(), StandardCharsets.UTF_8));
      assertEquals(success(topic, stored.get(i), null, "STRING"), reports.get(i), "report " + i);
    }
  }

  /** 50 streams at once on one topic, 500 records each: every record reported once, to its own client. */
  @Test
  @Order(160)
  void fiftyConcurrentStreamsGetEveryReport() throws Exception {
    String topic = env.newTopic(1);
    int streams = 50;
    int each = 500;
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(streams);
    try {
      List<CompletableFuture<List<String>>> replies = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        int stream = s;
        replies.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try (StreamingClient client = StreamingClient.open(ClientAddresses.next(), server.port(), server.path(recordsPath(topic)))) {
                    for (int piece = 0; piece < 10; piece++) {
                      StringBuilder chunk = new StringBuilder();
                      for (int i = piece * each / 10; i < (piece + 1) * each / 10; i++) {
                        chunk.append(record("STRING", "\"c" + stream + "-" + i + "\""));
                      }
                      client.send(chunk.toString());
                    }
                    client.end();
                    return client.readAll();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException("stream " + stream, e);
                  }
                },
                clients));
      }
      java.util.Map<String, ConsumerRecord<byte[], byte[]>> byValue = new java.util.HashMap<>();
      env.consume(topic, streams * each).forEach(r -> byValue.put(new String(r.value(), StandardCharsets.UTF_8), r));
      assertEquals(streams * each, byValue.size());
      for (int s = 0; s < streams; s++) {
        List<String> reports = replies.get(s).get(60, TimeUnit.SECONDS);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          expected.add(success(topic, byValue.get("c" + s + "-" + i), null, "STRING"));
        }
        assertEquals(expected, reports, "stream " + s);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * One chunked stream of over 100 MB of small records, full duplex, through to its last report and the
   * response's end. (WildFly's stock listener cut a stream after 10 MB, its max-post-size, and the client
   * heard nothing of the rest.) Reports are checked by their offsets, which must run on without a gap; the
   * topic must hold exactly the records sent.
   */
  @Test
  @Order(170)
  void aStreamOfAHundredMegabytesGetsEveryReport() throws Exception {
    String topic = env.newTopic(1);
    int count = 1_050_000;
    int perChunk = 1000;
    String padding = "p".repeat(60);
    try (StreamingClient client = StreamingClient.open(ClientAddresses.next(), server.port(), server.path(recordsPath(topic)))) {
      CompletableFuture<Void> sending =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int sent = 0; sent < count; sent += perChunk) {
                    StringBuilder chunk = new StringBuilder(perChunk * 100);
                    for (int i = sent; i < sent + perChunk; i++) {
                      chunk.append("{\"value\":{\"type\":\"STRING\",\"data\":\"").append(padding).append(i).append("\"}}");
                    }
                    client.send(chunk.toString());
                  }
                  client.end();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      String prefix =
          "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
              + "\",\"partition_id\":0,\"offset\":";
      long reports = 0;
      String report;
      while ((report = client.readReport()) != null) {
        String where = prefix + reports + ",";
        if (!report.startsWith(where)) {
          sending.cancel(true);
          throw new AssertionError("report " + reports + " is not the next offset's success: " + report);
        }
        reports++;
      }
      sending.get(30, TimeUnit.SECONDS);
      assertEquals(count, reports, "reports before the response ended");
    }
    assertEquals(count, env.broker().endOffset(topic));
  }

  /** Topic names no topic can have, with bodies: each request gets its 404 at once, request after request. */
  @Test
  @Order(180)
  void topicNamesThatCannotExistGet404RequestAfterRequest() throws Exception {
    String unknown = "{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}";
    List<String> topics = List.of("a%20b", "x".repeat(300), "no-such-topic-" + java.util.UUID.randomUUID());
    Connection connection = new Connection(server.port(), 10_000);
    try {
      for (int i = 0; i < 150; i++) {
        if (i % 10 == 0) {
          connection.close(); // the next from another address: per-address limits stay out of the case
        }
        String topic = topics.get(i % topics.size());
        Connection.Shape shape = new Connection.Shape(i % 2 == 0, false, false, false);
        RawHttp.Response response;
        try {
          response = connection.post(server.path(recordsPath(topic)), List.of("{}", record("STRING", "\"x\"")), shape);
        } catch (java.net.SocketTimeoutException e) {
          throw new AssertionError("request " + i + " to topic " + topic + " got no answer within 10 s", e);
        }
        assertEquals("404 " + unknown, response.status() + " " + response.body(), "request " + i + " to " + topic);
      }
    } finally {
      connection.close();
    }
  }

  /** A scalar glued to the next record ({@code …}1{…}) is a value of its own: its 400, and the stream goes on. */
  @Test
  @Order(190)
  void aScalarGluedToTheNextRecordGetsItsReportAndTheStreamGoesOn() throws Exception {
    String notAnObject = "{\"error_code\":400,\"message\":\"Bad Request: A record must be a JSON object.\"}";
    for (String scalar : List.of("1", "12", "true")) {
      String topic = env.newTopic(1);
      List<String> reports;
      try (StreamingClient client = StreamingClient.open(ClientAddresses.next(), server.port(), server.path(recordsPath(topic)))) {
        for (String chunk :
            List.of(record("STRING", "\"g0\""), scalar, record("STRING", "\"g1\"") + scalar + record("STRING", "\"g2\""),
                record("STRING", "\"g3\""))) {
          client.send(chunk);
        }
        client.end();
        reports = client.readAll();
      }
      List<String> produced = successes(topic, 4, "g");
      assertEquals(
          List.of(produced.get(0), notAnObject, produced.get(1), notAnObject, produced.get(2), produced.get(3)),
          reports,
          scalar);
    }
  }

  /**
   * A seeded random mix of request shapes on one server, for {@link RequestMix#SECONDS} seconds: sizes,
   * framing, pauses, errors, disconnects; after each request a fresh chunked request must be answered at
   * once. The seed is printed, and {@code -Dmix.seed} replays a run.
   */
  @Test
  @Order(200)
  void aRandomMixOfRequestsLeavesTheServerAnsweringAtOnce() throws Exception {
    RequestMix mix = new RequestMix(env, server, this::recordsPath);
    RequestMix.Summary summary = mix.run();
    System.out.printf("%s: random mix: %s%n", server.name(), summary);
    assertTrue(summary.requests() > 0, summary.toString());
  }

  // ---- after the suite ----

  @Test
  @Order(LAST + 1)
  void afterTheSuiteNoStreamIsOpenNoConnectionHalfClosedAndNoThreadLeft() throws Exception {
    // Waits for all three at once; if they do not settle, the assertions below name the one that did not.
    try {
      server.awaitUntil(
          Duration.ofSeconds(20),
          () -> streamsOpen() == 0 && closeWait() == 0 && ownedBusyThreads().equals(baselineThreads),
          "the server to settle");
    } catch (IllegalStateException e) {
      System.out.println(e.getMessage());
    }
    assertEquals(0, streamsOpen(), "tributary_streams_open");
    assertEquals(0, closeWait(), "connections in CLOSE-WAIT");
    assertEquals(baselineThreads, ownedBusyThreads(), "Tributary's threads, other than idle pool workers");
    System.out.printf("%s: after the suite, Tributary's threads other than idle pool workers: %s%n",
        server.name(), baselineThreads);
  }

  @Test
  @Order(LAST + 2)
  void undeployingLeavesNoThreadBehind() throws Exception {
    server.undeploy(Duration.ofSeconds(60));
    server.awaitUntil(Duration.ofSeconds(30), () -> threads(t -> t.ownedByTributary() || t.inTributary()).isEmpty(),
        "Tributary's threads to end");
    List<String> leaks =
        server.log().lines()
            .filter(line -> Stream.of("appears to have started a thread", "memory leak", "failed to stop it",
                    "were still running after it was stopped")
                .anyMatch(line::contains))
            .toList();
    assertEquals(List.of(), leaks, "the server reports leaks on undeploy");
  }

  // ---- helpers ----

  protected String recordsPath(String topic) {
    return env.recordsPath(topic);
  }

  static String record(String type, String data) {
    return "{\"value\":{\"type\":\"" + type + "\",\"data\":" + data + "}}";
  }

  /** The exact report of {@code record}, whose key and value were sent as {@code keyType} and {@code valueType}. */
  protected String success(String topic, ConsumerRecord<byte[], byte[]> record, String keyType, String valueType) {
    return "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
        + "\",\"partition_id\":" + record.partition() + ",\"offset\":" + record.offset() + ",\"timestamp\":\""
        + Instant.ofEpochMilli(record.timestamp()) + "\""
        + (keyType == null ? "" : ",\"key\":{\"type\":\"" + keyType + "\",\"size\":" + record.key().length + "}")
        + (valueType == null ? "" : ",\"value\":{\"type\":\"" + valueType + "\",\"size\":" + record.value().length + "}")
        + "}";
  }

  /** The exact reports of the first {@code count} records of {@code topic}, whose values are prefix + i. */
  protected List<String> successes(String topic, int count, String prefix) {
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, count);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      assertEquals(prefix + i, new String(stored.get(i).value(), StandardCharsets.UTF_8));
      expected.add(success(topic, stored.get(i), null, "STRING"));
    }
    return expected;
  }

  /**
   * Produces {@code count} records to a new topic over HTTP/2 ({@code client}'s connection), full duplex:
   * each report is read before the next record is sent, and the response ends after the body.
   */
  protected void produceFullDuplex(H2Client client, int count) throws Exception {
    String topic = env.newTopic(1);
    List<String> reports = new ArrayList<>();
    H2Client.ProduceStream stream = client.post(server.path(recordsPath(topic)));
    for (int i = 0; i < count; i++) {
      stream.send(record("STRING", "\"r" + i + "\""));
      reports.add(stream.readReport()); // while the body is still open
    }
    assertEquals(200, stream.status());
    stream.end();
    assertNull(stream.readReport(), "the response ends after the body");
    assertEquals(successes(topic, count, "r"), reports);
  }

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
  }

  private static final Pattern WHERE = Pattern.compile("\"partition_id\":(\\d+),\"offset\":(\\d+)");

  /** The stored record a success report names. */
  private static ConsumerRecord<byte[], byte[]> find(List<ConsumerRecord<byte[], byte[]>> stored, String report) {
    Matcher m = WHERE.matcher(report);
    assertTrue(m.find(), report);
    int partition = Integer.parseInt(m.group(1));
    long offset = Long.parseLong(m.group(2));
    return stored.stream()
        .filter(r -> r.partition() == partition && r.offset() == offset)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stored record at " + partition + "/" + offset + ": " + report));
  }

  private static void assertReply(Http.Reply reply, int status, String body) {
    assertEquals(status + " " + body, reply.status() + " " + reply.body());
    assertEquals("application/json", reply.contentType());
  }

  /** {@code tributary_streams_open} as the server's {@code /metrics} says now. */
  protected double streamsOpen() {
    Http.Reply metrics = Http.get(server.uri("/metrics"));
    Matcher m = Pattern.compile("(?m)^tributary_streams_open (\\S+)$").matcher(metrics.body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private long closeWait() {
    try {
      return ServerSockets.closeWait(server.port());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Tributary's own threads (pools, timers, Kafka clients) that are not idle pool workers, by name. */
  private List<String> ownedBusyThreads() {
    return threads(t -> (t.ownedByTributary() && !t.idleWorker()) || t.inTributary()).stream()
        .map(t -> t.name().replaceAll("\\d+", "#"))
        .sorted()
        .toList();
  }

  private List<ServerThreads.Thread> threads(java.util.function.Predicate<ServerThreads.Thread> which) {
    try {
      return ServerThreads.of(server.pid()).stream().filter(which).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the real {@code curl} printed and its exit code. */
  record Curl(int exit, String output) {
    static Curl run(String... arguments) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
      command.addAll(List.of(arguments));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Curl(process.waitFor(), output);
    }
  }
}

package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.StreamingClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The built WAR in the Jetty 12.1 distribution (jetty-home from Maven Central), deployed through this
 * repository's own jetty-base, with its DoSFilter.
 */
class JettyIT extends ConformanceSuite {

  @Override
  protected AppServer startServer(Environment env) throws Exception {
    return JettyServer.start("jetty", env, List.of());
  }

  @Test
  @Order(500)
  void aBurstBeyondTheLimitGets429WhileAClientWithinItKeepsGetting200() throws Exception {
    CompletableFuture<List<RawHttp.Reply>> burst =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return burst("127.0.0.3", 60);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    for (int i = 0; i < 5; i++) {
      RawHttp.Reply polite = RawHttp.get("127.0.0.4", server.port(), server.path("/v3/clusters"));
      assertEquals(200, polite.status(), polite.text());
      Thread.sleep(200);
    }
    List<RawHttp.Reply> replies = burst.get();
    long rejected = replies.stream().filter(r -> r.status() == 429).count();
    long accepted = replies.stream().filter(r -> r.status() == 200).count();
    assertTrue(rejected > 0, "no 429 in a burst of 60");
    assertEquals(60, rejected + accepted);
    RawHttp.Reply tooMany = replies.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
    assertTrue(tooMany.text().contains("Content-Type: text/html"), tooMany.text());
    assertTrue(tooMany.text().contains("<title>Error 429 Too Many Requests</title>"), tooMany.text());
    assertTrue(tooMany.text().contains("<h2>HTTP ERROR 429 Too Many Requests</h2>"), tooMany.text());
    for (String probe : List.of("/health/live", "/health/ready", "/metrics")) { // not rate-limited
      for (int i = 0; i < 30; i++) {
        RawHttp.Reply reply = RawHttp.get("127.0.0.3", server.port(), server.path(probe));
        assertEquals(200, reply.status(), probe + ": " + reply.text());
      }
    }
  }

  @Test
  @Order(510)
  void aStreamOutlivingTheFiltersDefaultMaxRequestMsIsNotCut() throws Exception {
    String topic = env.newTopic(1);
    long deadline = System.nanoTime() + 35_000_000_000L; // DoSFilter's default maxRequestMs is 30 s
    int sent = 0;
    try (StreamingClient client =
        StreamingClient.open("127.0.0.5", server.port(), server.path(env.recordsPath(topic)))) {
      while (System.nanoTime() < deadline) {
        client.send("{\"value\":{\"type\":\"STRING\",\"data\":\"tick-" + sent + "\"}}");
        String report = client.readReport();
        assertTrue(report != null && report.startsWith("{\"error_code\":200,"), "report " + sent + ": " + report);
        sent++;
        Thread.sleep(5_000);
      }
      client.end();
      assertEquals(List.of(), client.readAll());
    }
    assertEquals(sent, env.consume(topic, sent).size());
  }

  @Test
  @Order(515)
  void responsesDoNotNameTheServerOrItsVersion() throws Exception {
    RawHttp.Reply reply = RawHttp.get("127.0.0.8", server.port(), server.path("/health/live"));
    assertEquals(200, reply.status(), reply.text());
    assertTrue(!reply.text().toLowerCase(java.util.Locale.ROOT).contains("\r\nserver:"), reply.text());
    assertTrue(reply.text().contains("\r\nX-Content-Type-Options: nosniff\r\n"), reply.text());
  }

  @Test
  @Order(516)
  void everyLogRecordOfTheWarIsOneLine() throws Exception {
    String topic = env.newTopic(1);
    Http.Reply reply = Http.post(server.uri(env.recordsPath(topic)), "{\"value\":{\"type\":\"STRING\",\"data\":\"logged\"}}");
    assertEquals(200, reply.status(), reply.body());
    java.util.regex.Pattern oneLine =
        java.util.regex.Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO dev\\.tributary\\.access: 127\\.0\\.0\\.1 \"POST "
                + java.util.regex.Pattern.quote(server.path(env.recordsPath(topic))) + "\" 200 records=1 \\(200:1\\) .*");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (server.log().lines().noneMatch(line -> oneLine.matcher(line).matches())) {
      assertTrue(System.nanoTime() < deadline, "no one-line access record for " + topic + " in:\n" + server.log());
      Thread.sleep(50);
    }
    assertTrue(
        server.log().lines().noneMatch(line -> line.startsWith("INFO: ") || line.startsWith("WARNING: ")),
        "a record split over two lines");
  }

  @Test
  @Order(520)
  void requestHeadersTricklingInAreCutOffWhileAStreamPausingBetweenRecordsIsNot() throws Exception {
    String topic = env.newTopic(1);
    String path = server.path(env.recordsPath(topic));
    byte[] head =
        ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: "
                + "a".repeat(200) + "\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<java.net.Socket> slow = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getByName("127.0.0.6"), server.port());
      socket.setSoTimeout(1);
      slow.add(socket);
    }
    long start = System.nanoTime();
    long[] closedAfter = new long[slow.size()];
    try (StreamingClient client =
        StreamingClient.open("127.0.0.7", server.port(), path)) {
      client.send("{\"value\":{\"type\":\"STRING\",\"data\":\"before\"}}");
      assertTrue(client.readReport().startsWith("{\"error_code\":200,"));
      // One byte a second on each slow connection, for 15 s: past the 10 s header limit, within the idle timeout.
      for (int second = 0; second < 15; second++) {
        for (int i = 0; i < slow.size(); i++) {
          if (closedAfter[i] == 0 && isClosed(slow.get(i), head[second])) {
            closedAfter[i] = (System.nanoTime() - start) / 1_000_000;
          }
        }
        Thread.sleep(1_000); // the trickle's pace
      }
      // The stream paused 15 s (over the header limit) between records and is untouched.
      client.send("{\"value\":{\"type\":\"STRING\",\"data\":\"after\"}}");
      assertTrue(client.readReport().startsWith("{\"error_code\":200,"));
      client.end();
      assertEquals(List.of(), client.readAll());
    } finally {
      for (java.net.Socket socket : slow) {
        socket.close();
      }
    }
    for (int i = 0; i < slow.size(); i++) {
      assertTrue(closedAfter[i] > 9_000 && closedAfter[i] < 13_000, "slow connection " + i + " closed after " + closedAfter[i] + " ms");
    }
  }

  /** Sends one more byte; whether the server has closed the connection (its end read, or the write refused). */
  private static boolean isClosed(java.net.Socket socket, byte next) {
    try {
      socket.getOutputStream().write(next);
      socket.getOutputStream().flush();
      return socket.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false; // nothing to read: still open
    } catch (java.io.IOException e) {
      return true;
    }
  }

  /** {@code count} GETs as fast as possible from {@code localAddress}. */
  private List<RawHttp.Reply> burst(String localAddress, int count) throws Exception {
    List<RawHttp.Reply> replies = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(RawHttp.get(localAddress, server.port(), server.path("/v3/clusters")));
    }
    return replies;
  }

  /**
   * With the jetty-base's {@code tributary-forwarded} module (the README's setting behind a reverse
   * proxy), self links name what the forwarding headers say.
   */
  @Test
  @Order(530)
  void withTheForwardedModuleSelfLinksFollowForwardingHeaders() throws Exception {
    try (AppServer proxied =
        JettyServer.start("jetty-forwarded", env, List.of(), List.of("--module=tributary-forwarded"))) {
      RawHttp.Reply reply =
          RawHttp.get(
              "127.0.0.1", proxied.port(), proxied.path("/v3/clusters"),
              "Host: 10.0.0.7:8080", "X-Forwarded-Host: kafka.example.com:8082", "X-Forwarded-Proto: http");
      assertEquals(200, reply.status(), reply.text());
      assertTrue(
          reply.text().contains(
              "{\"self\":\"http://kafka.example.com:8082" + AppServer.CONTEXT_PATH + "/v3/clusters\","),
          reply.text());
    }
  }
}

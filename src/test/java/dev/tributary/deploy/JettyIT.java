package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
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

  /** {@code count} GETs as fast as possible from {@code localAddress}. */
  private List<RawHttp.Reply> burst(String localAddress, int count) throws Exception {
    List<RawHttp.Reply> replies = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(RawHttp.get(localAddress, server.port(), server.path("/v3/clusters")));
    }
    return replies;
  }
}

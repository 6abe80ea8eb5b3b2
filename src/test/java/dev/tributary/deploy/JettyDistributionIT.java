package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.StreamingClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built WAR in the Jetty 12.1 distribution (jetty-home from Maven Central), deployed through this
 * repository's own jetty-base, with its DoSFilter.
 */
class JettyDistributionIT {

  private static Environment env;
  private static ServerProcess jetty;

  @BeforeAll
  static void start() throws Exception {
    env = Environment.get();
    jetty = startJetty("jetty", env, List.of());
  }

  /**
   * The Jetty distribution serving the built WAR through this repository's jetty-base, on a free port,
   * configured for the shared broker by environment variable, with {@code jvmOptions} (e.g. -Xmx).
   */
  static ServerProcess startJetty(String name, Environment env, List<String> jvmOptions) throws Exception {
    int port = ServerProcess.freePort();
    Path home = ServerProcess.property("jetty.home");
    List<String> command = new java.util.ArrayList<>();
    command.add(javaCommand());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            home.resolve("start.jar").toString(),
            "jetty.base=" + ServerProcess.property("jetty.base"),
            "jetty.http.port=" + port,
            "tributary.war=" + ServerProcess.property("tributary.war")));
    return ServerProcess.start(
        name, command, home, Map.of("TRIBUTARY_BOOTSTRAP_SERVERS", env.broker().bootstrapServers()), port);
  }

  @AfterAll
  static void stop() {
    if (jetty != null) {
      jetty.close();
    }
  }

  static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void streamsRecordsEndToEnd() throws Exception {
    DeploymentChecks.streamsRecordsEndToEnd(env, "127.0.0.2", jetty.port(), jetty::output);
  }

  @Test
  void aBurstBeyondTheLimitGets429WhileAClientWithinItKeepsGetting200() throws Exception {
    CompletableFuture<List<RawHttp.Reply>> burst =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return DeploymentChecks.burst("127.0.0.3", jetty.port(), 60);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    for (int i = 0; i < 5; i++) {
      RawHttp.Reply polite = RawHttp.get("127.0.0.4", jetty.port(), "/v3/clusters");
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
  void aStreamOutlivingTheFiltersDefaultMaxRequestMsIsNotCut() throws Exception {
    String topic = env.newTopic(1);
    long deadline = System.nanoTime() + 35_000_000_000L; // DoSFilter's default maxRequestMs is 30 s
    int sent = 0;
    try (StreamingClient client = StreamingClient.open("127.0.0.5", jetty.port(), env.recordsPath(topic))) {
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
}

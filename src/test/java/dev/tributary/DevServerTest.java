package dev.tributary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Ports;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The run command explains a failure to start and exits, instead of hanging with a stack trace (issue
 * "What operators and migrating Confluent users expect", newcomer paper cuts).
 */
class DevServerTest {

  /** Runs {@link DevServer} in a JVM of its own; its exit status and output, within 30 s. */
  private static Map.Entry<Integer, String> run(int port, Map<String, String> environment) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-Dport=" + port,
                    DevServer.class.getName()))
            .redirectErrorStream(true);
    builder.environment().remove("TRIBUTARY_BOOTSTRAP_SERVERS");
    builder.environment().putAll(environment);
    Process process = builder.start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the run command exits");
    return Map.entry(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aBusyPortIsNamedWithTheWayToChooseAnother() throws Exception {
    try (ServerSocket busy = new ServerSocket(0)) {
      Map.Entry<Integer, String> result = run(busy.getLocalPort(), Map.of());
      assertEquals(1, result.getKey(), result.getValue());
      assertTrue(
          result.getValue().contains(
              "Tributary did not start: port " + busy.getLocalPort()
                  + " is in use. Stop what uses it, or choose another port: mvn test-compile exec:java -Dport=9090"),
          result.getValue());
    }
  }

  @Test
  void anUnreachableKafkaIsNamedWithinSeconds() throws Exception {
    String kafka = "127.0.0.1:" + Ports.freeEphemeral();
    long start = System.nanoTime();
    Map.Entry<Integer, String> result = run(Ports.freeEphemeral(), Map.of("TRIBUTARY_BOOTSTRAP_SERVERS", kafka));
    long seconds = (System.nanoTime() - start) / 1_000_000_000;
    assertEquals(1, result.getKey(), result.getValue());
    assertTrue(
        result.getValue().contains("Tributary did not start: Kafka at " + kafka + " did not answer within 10 s."),
        result.getValue());
    assertTrue(seconds < 25, "gave up after " + seconds + " s");
  }

  /** The in-process broker's demo topic keeps a record stamped 2021 (the API document's example time). */
  @Test
  void theDemoTopicOfTheInProcessBrokerKeepsRecordsOfAnyAge() {
    assertEquals(Map.of("retention.ms", "-1"), DevServer.demoTopic(true).configs());
    assertEquals(null, DevServer.demoTopic(false).configs());
  }
}

package dev.tributary;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.TributaryServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The WAR's web.xml in Jetty: a bad setting fails the deployment, with the key in the message. */
class DeploymentTest {

  @Test
  void aMalformedSettingFailsTheDeploymentNamingTheKey() {
    Environment env = Environment.get();
    Exception e =
        assertThrows(
            Exception.class,
            () -> Environment.startServer(env.broker(), Map.of("streaming.connection.max.duration.ms", "soon")));
    String messages = messages(e);
    assertTrue(
        messages.contains(
            "Invalid configuration streaming.connection.max.duration.ms: must be a whole number, was \"soon\""),
        messages);
  }

  @Test
  void aProducerSettingKafkaRejectsFailsTheDeployment() {
    Environment env = Environment.get();
    Exception e =
        assertThrows(
            Exception.class, () -> Environment.startServer(env.broker(), Map.of("producer.acks", "most")));
    String messages = messages(e);
    assertTrue(messages.contains("acks"), messages);
  }

  @Test
  void aMissingBootstrapServersFailsTheDeployment() {
    // Only meaningful where the environment does not set TRIBUTARY_BOOTSTRAP_SERVERS itself.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TRIBUTARY_BOOTSTRAP_SERVERS") == null);
    Exception e = assertThrows(Exception.class, () -> TributaryServer.start(0, Map.of()));
    String messages = messages(e);
    assertTrue(messages.contains("Invalid configuration bootstrap.servers: is required: Kafka brokers"), messages);
  }

  private static String messages(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t).append('\n');
      for (Throwable s : t.getSuppressed()) {
        text.append(s).append('\n');
      }
    }
    return text.toString();
  }
}

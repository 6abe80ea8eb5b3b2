package dev.tributary;

import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.TributaryServer;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.logging.LogManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The README's run command ({@code mvn test-compile exec:java}): Tributary on http://localhost:8080.
 *
 * <p>With no {@code bootstrap.servers} configured (system property {@code tributary.bootstrap.servers} or
 * environment variable {@code TRIBUTARY_BOOTSTRAP_SERVERS}) it starts a single-node Kafka in this JVM.
 * Either way it makes sure a topic {@code demo} exists and prints a {@code curl} command to try. Lives in
 * test scope so the WAR never contains a broker.
 */
public final class DevServer {

  private DevServer() {}

  public static void main(String[] args) throws Exception {
    try (InputStream logging = DevServer.class.getResourceAsStream("/logging.properties")) {
      LogManager.getLogManager().readConfiguration(logging);
    }
    int port = Integer.getInteger("port", 8080);
    String configured = System.getProperty("tributary.bootstrap.servers", System.getenv("TRIBUTARY_BOOTSTRAP_SERVERS"));

    KafkaBroker broker = null;
    String bootstrapServers = configured;
    if (configured == null || configured.isBlank()) {
      System.out.println("No bootstrap.servers configured: starting an in-process Kafka broker...");
      broker = KafkaBroker.start();
      bootstrapServers = broker.bootstrapServers();
    }

    String clusterId;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      clusterId = admin.describeCluster().clusterId().get();
      if (!admin.listTopics().names().get().contains("demo")) {
        admin.createTopics(Set.of(new NewTopic("demo", 3, (short) 1))).all().get();
      }
    }

    TributaryServer server =
        TributaryServer.start(
            port, broker == null ? Map.of() : Map.of("bootstrap.servers", bootstrapServers));
    KafkaBroker started = broker;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                  if (started != null) {
                    started.close();
                  }
                }));

    String url = "http://localhost:" + server.port() + "/kafka/v3/clusters/" + clusterId + "/topics/demo/records";
    System.out.println();
    System.out.println("Tributary is serving http://localhost:" + server.port() + "/ on Kafka " + bootstrapServers);
    System.out.println("Cluster id: " + clusterId);
    System.out.println();
    System.out.println("Stream three records to the topic 'demo' and read one delivery report per record:");
    System.out.println();
    System.out.println("printf '%s\\n' \\");
    System.out.println("  '{\"value\":{\"type\":\"JSON\",\"data\":{\"hello\":\"world\"}}}' \\");
    System.out.println("  '{\"key\":{\"type\":\"STRING\",\"data\":\"greeting\"},\"value\":{\"type\":\"STRING\",\"data\":\"hi\"}}' \\");
    System.out.println("  '{\"partition_id\":0,\"value\":{\"type\":\"BINARY\",\"data\":\"aGVsbG8=\"}}' \\");
    System.out.println("| curl -sS -N -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \\");
    System.out.println("  --data-binary @- " + url);
    System.out.println();
    System.out.println("Press Ctrl+C to stop.");
    Thread.currentThread().join();
  }
}

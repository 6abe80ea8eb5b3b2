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

  /** How long a configured Kafka has to answer before the run command gives up. */
  private static final int KAFKA_WAIT_SECONDS = 10;

  /**
   * Starts, or explains in one line why it cannot and exits with status 1 (an in-process broker's
   * threads would otherwise keep the JVM, and so Maven, running).
   */
  public static void main(String[] args) throws Exception {
    try {
      run();
    } catch (StartupFailure e) {
      System.err.println();
      System.err.println("Tributary did not start: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * The topic {@code demo}: 3 partitions. On the in-process broker it keeps records whatever their
   * timestamp ({@code retention.ms=-1}): that broker enforces retention every 2 s, and would otherwise
   * delete at once a record stamped with the API document's example time (2021), older than Kafka's
   * default 7 days. A Kafka of the user's own gets the topic with its own defaults.
   */
  static NewTopic demoTopic(boolean inProcessBroker) {
    NewTopic demo = new NewTopic("demo", 3, (short) 1);
    return inProcessBroker ? demo.configs(Map.of("retention.ms", "-1")) : demo;
  }

  /** A reason not to start, in the user's words. */
  private static final class StartupFailure extends Exception {
    StartupFailure(String message) {
      super(message);
    }
  }

  private static void run() throws Exception {
    try (InputStream logging = DevServer.class.getResourceAsStream("/logging.properties")) {
      LogManager.getLogManager().readConfiguration(logging);
    }
    int port = Integer.getInteger("port", 8080);
    try (java.net.ServerSocket probe = new java.net.ServerSocket(port)) {
      probe.setReuseAddress(true);
    } catch (java.io.IOException e) {
      throw new StartupFailure(
          "port " + port + " is in use. Stop what uses it, or choose another port: mvn test-compile exec:java -Dport=9090");
    }
    String configured = System.getProperty("tributary.bootstrap.servers", System.getenv("TRIBUTARY_BOOTSTRAP_SERVERS"));

    KafkaBroker broker = null;
    String bootstrapServers = configured;
    if (configured == null || configured.isBlank()) {
      System.out.println("No bootstrap.servers configured: starting an in-process Kafka broker...");
      broker = KafkaBroker.start();
      bootstrapServers = broker.bootstrapServers();
    }

    String clusterId;
    Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
    try {
      clusterId = admin.describeCluster().clusterId().get(KAFKA_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      if (!admin.listTopics().names().get().contains("demo")) {
        admin.createTopics(Set.of(demoTopic(broker != null))).all().get();
      }
      admin.close();
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      admin.close(java.time.Duration.ZERO); // not waiting for the call still pending
      if (broker != null) {
        broker.close();
      }
      throw new StartupFailure(
          "Kafka at " + bootstrapServers + " did not answer within " + KAFKA_WAIT_SECONDS
              + " s. Check TRIBUTARY_BOOTSTRAP_SERVERS (or -Dtributary.bootstrap.servers), or unset it to run"
              + " on an in-process broker.");
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

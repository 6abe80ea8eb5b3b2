package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.LogCapture;
import dev.tributary.testing.Ports;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/**
 * An outage does not fill a disk (issue "Faults", second finding): with Kafka's client defaults (but a
 * 5 s delivery timeout, so that records fail during the outage), the proxy and its Kafka clients log
 * well under 10 MB per hour of broker outage, while the outage and the recovery are each logged once.
 */
class QuietOutageTest {

  private static final long OUTAGE_MS = 12_000;
  private static final String RECORD = "{\"value\":{\"type\":\"STRING\",\"data\":\"quiet\"}}";
  private static final long LIMIT_BYTES_PER_HOUR = 10L * 1024 * 1024;

  /** Held, so the root logger's handler stays; the broker in this JVM logs through it too, and is left out. */
  private final Logger root = Logger.getLogger("");

  @Test
  void anHourOfOutageLogsUnderTenMegabytesAndTheOutageOnce() throws Exception {
    Queue<LogRecord> records = new ConcurrentLinkedQueue<>();
    Handler capture = capture(records);
    try (KafkaBroker broker = KafkaBroker.start();
        TributaryServer server =
            Environment.startServer(
                broker, Map.of("producer.delivery.timeout.ms", "5000", "producer.request.timeout.ms", "2000"))) {
      server.awaitReady(Duration.ofSeconds(60));
      root.addHandler(capture);
      try {
        // A stream sends 20 records a second through the outage: each fails, and none may log a line.
        broker.createTopic("quiet", 1);
        try (StreamingClient client =
            StreamingClient.open(server.port(), "/kafka/v3/clusters/" + broker.clusterId() + "/topics/quiet/records")) {
          client.send(RECORD);
          assertTrue(client.readReport().startsWith("{\"error_code\":200,"));
          broker.stop();
          long end = System.nanoTime() + OUTAGE_MS * 1_000_000;
          while (System.nanoTime() < end) {
            client.send(RECORD);
            Thread.sleep(50); // pacing the records through the outage being measured
          }
          broker.restart();
          client.closeQuietly();
        }
        server.awaitReady(Duration.ofSeconds(60));
        Thread.sleep(1_000); // what is logged just after the recovery counts too
      } finally {
        root.removeHandler(capture);
      }
    }
    assertUnderLimit(records);
    List<String> monitor =
        records.stream()
            .filter(r -> r.getLoggerName().equals("dev.tributary.kafka.ClusterMonitor"))
            .map(r -> r.getLevel() + " " + r.getMessage().replaceAll("\\d+", "N"))
            .toList();
    assertEquals(2, monitor.size(), monitor.toString());
    assertTrue(monitor.get(0).startsWith("WARNING Kafka is not reachable: no answer from the cluster for N ms"), monitor.get(0));
    assertTrue(monitor.get(1).startsWith("INFO Kafka is reachable again, after about N s without an answer"), monitor.get(1));
  }

  @Test
  void aClusterDownFromTheStartLogsLittleToo() throws Exception {
    Queue<LogRecord> records = new ConcurrentLinkedQueue<>();
    Handler capture = capture(records);
    int port = Ports.freeEphemeral(); // nothing listens there
    root.addHandler(capture);
    try (TributaryServer server = TributaryServer.start(0, Map.of("bootstrap.servers", "127.0.0.1:" + port), 30_000)) {
      Thread.sleep(OUTAGE_MS); // the length of the outage being measured
    } finally {
      root.removeHandler(capture);
    }
    assertUnderLimit(records);
  }

  /** Collects what a container would log by default (INFO and above) of the proxy's loggers. */
  private static Handler capture(Queue<LogRecord> records) {
    Handler capture =
        new LogCapture(
            record -> {
              if (isProxys(record)) {
                records.add(record);
              }
            });
    capture.setLevel(Level.INFO);
    return capture;
  }

  /** The bytes {@code records} take as lines of a plain log, scaled to an hour of outage, under the limit. */
  private static void assertUnderLimit(Queue<LogRecord> records) {
    SimpleFormatter format = new SimpleFormatter();
    long bytes = 0;
    Map<String, Integer> byLogger = new TreeMap<>();
    for (LogRecord record : records) {
      bytes += format.format(record).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      byLogger.merge(record.getLoggerName() + " " + record.getLevel(), 1, Integer::sum);
    }
    long perHour = bytes * 3_600_000 / OUTAGE_MS;
    System.out.printf(
        "QuietOutageTest: %d bytes in %d ms of outage, %d bytes/hour; by logger %s%n", bytes, OUTAGE_MS, perHour, byLogger);
    assertTrue(perHour < LIMIT_BYTES_PER_HOUR, perHour + " bytes per hour of outage: " + byLogger);
  }

  /** The proxy's own loggers and its Kafka clients', not the broker's (which runs in this JVM). */
  private static boolean isProxys(LogRecord record) {
    String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
    String message = record.getMessage() == null ? "" : record.getMessage();
    if (logger.startsWith("dev.tributary")) {
      return true;
    }
    return logger.startsWith("org.apache.kafka.clients")
        && (message.startsWith("[Producer clientId=") || message.startsWith("[AdminClient clientId="));
  }
}

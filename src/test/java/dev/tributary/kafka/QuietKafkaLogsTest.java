package dev.tributary.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.LogCapture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class QuietKafkaLogsTest {

  private final AtomicLong now = new AtomicLong();
  private final QuietKafkaLogs.RateLimit limit = new QuietKafkaLogs.RateLimit(now::get, Duration.ofMinutes(1));

  private static LogRecord warning(String message) {
    LogRecord record = new LogRecord(Level.WARNING, message);
    record.setLoggerName("org.apache.kafka.clients.NetworkClient");
    return record;
  }

  @Test
  void eachKindOfMessagePassesOncePerPeriodAndTellsHowManyWereLeftOut() {
    String attempt = "[Producer clientId=tributary-%d] Connection to node -1 (/127.0.0.1:%d) could not be established.";
    assertTrue(limit.isLoggable(warning(String.format(attempt, 1, 9092))));
    for (int i = 0; i < 59; i++) {
      now.addAndGet(TimeUnit.SECONDS.toNanos(1));
      assertFalse(limit.isLoggable(warning(String.format(attempt, 2, 9093))), "second " + i);
    }
    assertTrue(limit.isLoggable(warning("Bootstrap broker 127.0.0.1:9092 (id: -1 rack: null) disconnected")), "another kind");
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    LogRecord next = warning(String.format(attempt, 1, 9092));
    assertTrue(limit.isLoggable(next));
    assertEquals(String.format(attempt, 1, 9092) + " (59 more like this were not logged)", next.getMessage());
  }

  /**
   * The flood the issue saw (Kafka 4.4's admin client logging "Rebootstrapping" thousands of times a
   * second on Tomcat), replayed through the logger it came from: one line passes in a minute.
   */
  @Test
  void aRebootstrapFloodLogsOneLineAMinute() {
    Logger admin = Logger.getLogger("org.apache.kafka.clients.admin.internals.AdminMetadataManager");
    Filter before = admin.getFilter();
    Level level = admin.getLevel();
    admin.setFilter(null);
    admin.setLevel(Level.INFO); // as a container logs by default
    java.util.List<String> logged = new java.util.ArrayList<>();
    java.util.logging.Handler capture =
        new LogCapture(record -> logged.add(record.getMessage()));
    admin.addHandler(capture);
    try (QuietKafkaLogs quiet = QuietKafkaLogs.install()) {
      for (int i = 0; i < 5_000; i++) {
        admin.info(
            "[AdminClient clientId=adminclient-1] Rebootstrapping with Cluster(id = null, nodes = [127.0.0.1:"
                + (9092 + i % 3) + " (id: -1 rack: null isFenced: false)], partitions = [], controller = null)");
      }
    } finally {
      admin.removeHandler(capture);
      admin.setFilter(before);
      admin.setLevel(level);
    }
    assertEquals(1, logged.size(), logged.toString());
  }

  @Test
  void installedOnTheNoisyKafkaLoggersAndRemovedAgainLeavingAnOperatorsOwnFilter() {
    Filter own = record -> true;
    Logger admin = Logger.getLogger("org.apache.kafka.clients.admin.internals.AdminMetadataManager");
    Logger network = Logger.getLogger("org.apache.kafka.clients.NetworkClient");
    Filter adminBefore = admin.getFilter(); // another deployment in this JVM may have installed its own
    Filter networkBefore = network.getFilter();
    admin.setFilter(own);
    network.setFilter(null);
    try {
      try (QuietKafkaLogs quiet = QuietKafkaLogs.install()) {
        assertTrue(network.getFilter() instanceof QuietKafkaLogs.RateLimit);
        assertSame(own, admin.getFilter());
      }
      assertNull(network.getFilter());
      assertSame(own, admin.getFilter());
    } finally {
      admin.setFilter(adminBefore);
      network.setFilter(networkBefore);
    }
  }
}

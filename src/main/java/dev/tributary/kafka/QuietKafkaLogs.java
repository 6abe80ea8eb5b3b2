package dev.tributary.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps the Kafka clients' loggers from filling a disk while the cluster is down. Without it, each client
 * logs a warning for every failed connection attempt (about one a second per client, more with many
 * producers), and Kafka 4's clients can log an INFO line for every rebootstrap, which some setups repeat
 * thousands of times a second.
 *
 * <p>How: a {@link Filter} on the Kafka client loggers that repeat during an outage lets each kind of
 * message (its logger, level and text with the numbers taken out) through once per {@link #PERIOD}; the
 * next one through says how many like it were left out. The outage itself, and the recovery, are logged
 * once each by {@link ClusterMonitor}. The filters go through {@code java.util.logging}, which the WAR's
 * SLF4J binding writes to; they are removed when the application stops, and a filter an operator has
 * already set on one of these loggers is left alone.
 */
public final class QuietKafkaLogs implements AutoCloseable {

  /**
   * The logger of Kafka's failures as the proxy reports them (one per failed record, logged by the error
   * catalogue's callers): rate-limited with Kafka's own.
   */
  public static final String FAILURES = "dev.tributary.kafka.failures";

  /** How often one kind of message may be logged. */
  static final Duration PERIOD = Duration.ofMinutes(1);

  /**
   * The Kafka client loggers that repeat themselves while brokers are unreachable, and the proxy's own
   * log of Kafka's failures (one per record).
   */
  static final List<String> LOGGERS =
      List.of(
          "org.apache.kafka.clients.NetworkClient",
          "org.apache.kafka.clients.Metadata",
          "org.apache.kafka.clients.ClientUtils",
          "org.apache.kafka.clients.admin.KafkaAdminClient",
          "org.apache.kafka.clients.admin.internals.AdminMetadataManager",
          "org.apache.kafka.clients.producer.internals.Sender",
          "org.apache.kafka.clients.producer.internals.TransactionManager",
          FAILURES);

  // Held: java.util.logging keeps loggers weakly, and would drop a filter with its logger.
  private final List<Logger> filtered = new ArrayList<>();

  private QuietKafkaLogs() {}

  /** Installs the filters. */
  public static QuietKafkaLogs install() {
    QuietKafkaLogs quiet = new QuietKafkaLogs();
    RateLimit limit = new RateLimit(System::nanoTime, PERIOD);
    for (String name : LOGGERS) {
      Logger logger = Logger.getLogger(name);
      if (logger.getFilter() == null) {
        logger.setFilter(limit);
        quiet.filtered.add(logger);
      }
    }
    return quiet;
  }

  @Override
  public void close() {
    for (Logger logger : filtered) {
      if (logger.getFilter() instanceof RateLimit) {
        logger.setFilter(null);
      }
    }
    filtered.clear();
  }

  /** Lets each kind of message through once per period, counting the others. Thread-safe. */
  static final class RateLimit implements Filter {

    private record Seen(long at, int left) {}

    private final LongSupplier nanoTime;
    private final long periodNanos;
    private final Map<String, Seen> kinds = new ConcurrentHashMap<>();

    RateLimit(LongSupplier nanoTime, Duration period) {
      this.nanoTime = nanoTime;
      this.periodNanos = period.toNanos();
    }

    @Override
    public boolean isLoggable(LogRecord record) {
      String kind = record.getLoggerName() + ' ' + record.getLevel() + ' ' + kindOf(record.getMessage());
      long now = nanoTime.getAsLong();
      int[] left = {0};
      boolean[] pass = {false};
      kinds.compute(
          kind,
          (key, seen) -> {
            if (seen == null || now - seen.at() >= periodNanos) {
              pass[0] = true;
              left[0] = seen == null ? 0 : seen.left();
              return new Seen(now, 0);
            }
            return new Seen(seen.at(), seen.left() + 1);
          });
      if (kinds.size() > 1_000) {
        kinds.clear(); // kinds are few; this only bounds the memory of a runaway variety
      }
      if (pass[0] && left[0] > 0) {
        record.setMessage(record.getMessage() + " (" + left[0] + " more like this were not logged)");
      }
      return pass[0];
    }

    /** The message without what changes from one repeat to the next: numbers, ids, addresses. */
    static String kindOf(String message) {
      return message == null ? "" : message.replaceAll("[0-9a-fA-F:./-]*[0-9][0-9a-fA-F:./-]*", "#");
    }
  }
}

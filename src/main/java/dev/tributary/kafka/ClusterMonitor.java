package dev.tributary.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Whether the Kafka cluster answers, asked in the background: a cluster description every {@link
 * #PERIOD}, one at a time, each allowed {@link #CHECK_TIMEOUT}; no thread waits for the answer. The
 * cluster counts as unreachable once it has not answered for {@link #DOWN_AFTER}. Readers get the last
 * answer at once, so a readiness probe never waits for Kafka, and a stream opened during an outage is
 * refused at once instead of holding its records until they time out.
 *
 * <p>Logs the first failure of an outage and the recovery, once each (the Kafka client's own loggers
 * are kept quiet during an outage; see the README's fault section).
 */
final class ClusterMonitor implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ClusterMonitor.class.getName());

  static final Duration PERIOD = Duration.ofMillis(500);
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);
  static final Duration DOWN_AFTER = Duration.ofMillis(1500);

  /** What the last answer said. */
  record Health(boolean reachable, int brokers, String problem) {}

  private final Admin admin;
  private final ScheduledExecutorService timer;
  private final LongSupplier nanoTime;
  private final Consumer<String> clusterId;
  private volatile long lastAnswer;
  private volatile boolean answered;
  private volatile int brokers;
  private volatile String lastProblem = "not asked yet";
  private boolean down; // as last logged; only the checking chain writes it
  private long downSince;
  private volatile boolean closed;

  /**
   * Starts asking at once.
   *
   * @param clusterId told the cluster's id with every answer
   */
  ClusterMonitor(Admin admin, ScheduledExecutorService timer, LongSupplier nanoTime, Consumer<String> clusterId) {
    this.admin = admin;
    this.timer = timer;
    this.nanoTime = nanoTime;
    this.clusterId = clusterId;
    this.lastAnswer = nanoTime.getAsLong(); // unreachable only after a first full DOWN_AFTER unanswered
    check();
  }

  /** Whether the cluster answered within the last {@link #DOWN_AFTER} (or the monitor is that young). */
  boolean reachable() {
    return nanoTime.getAsLong() - lastAnswer < DOWN_AFTER.toNanos();
  }

  /** For readiness: reachable only once the cluster has answered, and recently. */
  Health health() {
    boolean up = answered && reachable();
    return new Health(up, up ? brokers : 0, up ? null : problem());
  }

  /** Why the cluster counts as unreachable, in one line. */
  String problem() {
    long silentMs = (nanoTime.getAsLong() - lastAnswer) / 1_000_000;
    return answered
        ? "no answer from the cluster for " + silentMs + " ms (last error: " + lastProblem + ")"
        : "no answer from the cluster yet (" + lastProblem + ")";
  }

  private void check() {
    if (closed) {
      return;
    }
    DescribeClusterResult result;
    try {
      result = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) CHECK_TIMEOUT.toMillis()));
    } catch (RuntimeException e) {
      failed(e);
      next();
      return;
    }
    result
        .nodes()
        .toCompletionStage()
        .thenCombine(result.clusterId().toCompletionStage(), (nodes, id) -> Map.entry(nodes.size(), id))
        .whenComplete(
            (answer, error) -> {
              if (error == null) {
                succeeded(answer.getKey(), answer.getValue());
              } else {
                failed(error);
              }
              next();
            });
  }

  private void succeeded(int count, String id) {
    brokers = count;
    lastAnswer = nanoTime.getAsLong();
    answered = true;
    if (id != null) {
      clusterId.accept(id);
    }
    if (down) {
      down = false;
      long seconds = (lastAnswer - downSince) / 1_000_000_000;
      LOG.info(() -> "Kafka is reachable again, after about " + seconds + " s without an answer");
    }
  }

  private void failed(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    lastProblem = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().replaceAll("\\s+", " ");
    if (!down && !reachable()) {
      down = true;
      downSince = lastAnswer;
      LOG.warning(() -> "Kafka is not reachable: " + problem() + ". Records wait at most max.block.ms for it; new produce requests get 503 until it answers again");
    }
  }

  private void next() {
    try {
      timer.schedule(this::check, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the application is stopping
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}

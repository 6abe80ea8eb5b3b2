package dev.tributary.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The records of one topic that the producer could not take at once, in the order they were sent: the
 * producer has no metadata for the topic (it has not met it yet, or forgot it when it lost every broker),
 * or its buffer is full. {@link RecordSender} then holds them here instead of letting a thread wait
 * inside {@code send}, and offers them again, head first, with a growing pause (not at all while the
 * cluster does not answer), until the producer takes them or their time to wait ({@code max.block.ms},
 * at most {@code delivery.timeout.ms}) runs out; then they fail with a retriable error, so each is
 * answered in time whatever Kafka does.
 *
 * <p>Thread-safe: guarded by {@code this}. While a backlog exists, every record of its topic joins it
 * behind those already held, so records of one stream reach the producer in the order they were sent.
 */
final class Backlog {

  /** The first pause before the producer is offered the head again; it doubles up to {@link #MAX_PAUSE_MS}. */
  static final long MIN_PAUSE_MS = 1;

  /** The longest pause between two offers: also how late past its deadline a held record may fail. */
  static final long MAX_PAUSE_MS = 200;

  /** One record waiting for the producer, and the future its report waits on. */
  record Held(OutgoingRecord record, CompletableFuture<Delivery> delivery, long deadlineNanos) {}

  /** Offers one record to the producer: whether it took it (if not, nothing happened to the record). */
  @FunctionalInterface
  interface Offer {
    boolean take(Held held);
  }

  private final String topic;
  private final Offer offer;
  private final BooleanSupplier reachable;
  private final ScheduledExecutorService timer;
  private final Executor drainer;
  private final LongSupplier nanoTime;
  private final long waitMillis;
  private final Consumer<Backlog> emptied;
  private final ArrayDeque<Held> queue = new ArrayDeque<>();
  private long pauseMs = MIN_PAUSE_MS;
  private boolean scheduled;
  private boolean closed;
  /** Why the producer last refused: its buffer was full (else it had no metadata for the topic). */
  private boolean bufferFull;

  /**
   * @param offer may wait briefly for the producer (see {@link RecordSender}): it runs on {@code drainer}
   * @param reachable whether the cluster answers now; while it does not, held records are not offered
   * @param emptied called, under this backlog's lock, once its last record has been taken or failed:
   *     the backlog is then closed, and a record that finds it closed goes to the producer directly
   */
  Backlog(
      String topic,
      Offer offer,
      BooleanSupplier reachable,
      ScheduledExecutorService timer,
      Executor drainer,
      LongSupplier nanoTime,
      long waitMillis,
      Consumer<Backlog> emptied) {
    this.topic = topic;
    this.offer = offer;
    this.reachable = reachable;
    this.timer = timer;
    this.drainer = drainer;
    this.nanoTime = nanoTime;
    this.waitMillis = waitMillis;
    this.emptied = emptied;
  }

  /**
   * Queues {@code held}, which the producer just refused (or which must wait behind records it refused).
   *
   * @param refusal why the producer refused it, or null if it was not offered
   * @return false if this backlog is already closed: the caller offers the record to the producer itself
   */
  synchronized boolean add(Held held, Throwable refusal) {
    if (closed) {
      return false;
    }
    if (refusal != null) {
      bufferFull = refusal instanceof BufferExhaustedException;
    }
    queue.add(held);
    schedule();
    return true;
  }

  private void schedule() {
    if (!scheduled && !closed) {
      scheduled = true;
      try {
        timer.schedule(() -> drainer.execute(this::drain), pauseMs, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        scheduled = false; // the application is stopping: close() fails what is held
      }
    }
  }

  /**
   * Offers the held records to the producer, head first; fails those whose time ran out (outside the
   * lock: what waits on a future runs in the thread that completes it).
   */
  void drain() {
    List<Held> expired = new ArrayList<>();
    TimeoutException error;
    synchronized (this) {
      scheduled = false;
      if (closed) {
        return;
      }
      long now = nanoTime.getAsLong();
      for (Iterator<Held> it = queue.iterator(); it.hasNext(); ) {
        Held held = it.next();
        if (now - held.deadlineNanos() >= 0) {
          it.remove();
          expired.add(held);
        }
      }
      error = expired.isEmpty() ? null : expired();
      drainQueue();
    }
    expired.forEach(held -> held.delivery().completeExceptionally(error));
  }

  private void drainQueue() {
    if (!queue.isEmpty() && !reachable.getAsBoolean()) {
      pauseMs = MAX_PAUSE_MS; // the cluster is silent: offering would only wait; look again soon
      schedule();
      return;
    }
    while (!queue.isEmpty()) {
      if (!offer.take(queue.peek())) {
        pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
        schedule();
        return;
      }
      queue.poll();
      pauseMs = MIN_PAUSE_MS;
    }
    closed = true;
    emptied.accept(this);
  }

  /** Fails every held record with {@code error}; later records go to the producer directly. */
  void close(RuntimeException error) {
    List<Held> held;
    synchronized (this) {
      closed = true;
      held = new ArrayList<>(queue);
      queue.clear();
    }
    held.forEach(h -> h.delivery().completeExceptionally(error));
  }

  private TimeoutException expired() {
    String reason =
        bufferFull
            ? "the producer's buffer stayed full (buffer.memory)"
            : "the producer could not get metadata for topic " + topic;
    return new TimeoutException(
        "Kafka is not reachable: the record was not sent, as " + reason + " for " + waitMillis
            + " ms (max.block.ms, at most delivery.timeout.ms).");
  }
}

package dev.tributary.produce;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.ErrorResponse;
import dev.tributary.api.ProduceResponse;
import dev.tributary.errors.Errors;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Writes one stream's delivery reports in request order, each as soon as it and every report before it
 * are ready: one JSON object and {@code \r\n} each, with non-blocking servlet output.
 *
 * <p>Threads: {@link #add} and {@link #finish} are called in request order by the stream's worker;
 * readiness is usually signalled by the Kafka producer's I/O thread, which must never do our work, so it
 * only schedules a drain on {@code executor}. The container's {@link #onWritePossible} schedules one too.
 * At most one drain runs at a time (the {@code wip} counter), so the output is touched by one thread at a
 * time and reports cannot overtake each other.
 *
 * <p>Servlet 6.0 rules this follows: a write or a flush only right after {@code isReady()} returned true,
 * and otherwise nothing until the container calls {@link #onWritePossible}, so a client that stops
 * reading holds no thread (its reports wait in the queue, bounded by the stream's window); and no use of
 * the output once the exchange has ended ({@code open} turns false), since the container may already be
 * done with it.
 */
final class ReportWriter implements WriteListener {

  /** Called after each report is written or dropped: the stream's window shrinks by one record. */
  interface Listener {
    /** {@code report} was written with {@code errorCode}, or dropped ({@link #DROPPED}): its client is gone. */
    void reportDone(Pending report, int errorCode);

    /** The container reported that writing failed (in {@link #onError}): the client is gone. */
    void writeFailed(Throwable error);

    /** Every report is written or dropped, and no more will come: the exchange may complete. */
    void allDone();
  }

  /** The error code passed to {@link Listener#reportDone} for a report that was not written. */
  static final int DROPPED = -1;

  /**
   * A report in the queue: ready once {@code ready} completes; {@code bytes} counts in the window;
   * {@code readNanos} is when its record was read ({@link System#nanoTime}).
   */
  record Pending(CompletableFuture<?> ready, Supplier<Object> report, long bytes, long readNanos) {}

  private final ServletOutputStream out;
  private final BooleanSupplier open;
  private final Executor executor;
  private final Listener listener;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private final AtomicInteger wip = new AtomicInteger();
  private boolean finished; // guarded by this
  private volatile boolean broken;
  private static final int BATCH_BYTES = 64 * 1024;
  private static final int TAKE = 256;

  // Only touched by the drain.
  private final ReportEncoder batch;
  // Ready reports taken from the queue in one locked step, not one step each.
  private final ArrayDeque<Pending> taken = new ArrayDeque<>();
  private boolean unwritten; // the batch is built but not yet handed to the output
  private boolean flushed;
  private boolean done;

  /** @param open whether the exchange still lets {@code out} be used */
  ReportWriter(
      ServletOutputStream out, BooleanSupplier open, Executor executor, ObjectMapper mapper, Listener listener) {
    this.out = out;
    this.open = open;
    this.executor = executor;
    this.listener = listener;
    this.batch = new ReportEncoder(mapper);
  }

  /** Queues the next report; once {@code ready} completes, {@code report} builds it on a writer thread. */
  void add(Pending pending) {
    synchronized (this) {
      queue.add(pending);
    }
    pending.ready().whenComplete((ignored, error) -> schedule());
  }

  /** No more reports will be added; {@link Listener#allDone} follows once the queued ones are out. */
  void finish() {
    synchronized (this) {
      finished = true;
    }
    schedule();
  }

  /** The client is gone: queued reports, and those still to be added, are dropped as they complete. */
  void abandon() {
    broken = true;
    schedule();
  }

  @Override
  public void onWritePossible() {
    schedule();
  }

  @Override
  public void onError(Throwable error) {
    broken = true;
    listener.writeFailed(error);
    schedule();
  }

  private void schedule() {
    if (wip.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    int missed = 1;
    do {
      try {
        writeReady();
      } catch (IOException | RuntimeException e) {
        broken = true;
        listener.writeFailed(e); // the client is gone, or the container gave up on the response
        dropReady();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /**
   * Writes ready reports while the output can take them; stops, to be called again, when it cannot.
   * The reports ready at once go out in one write (up to 64 KB), not one write each.
   */
  private void writeReady() throws IOException {
    while (true) {
      if (broken || !open.getAsBoolean()) {
        broken = true;
        dropReady();
        return;
      }
      if (unwritten) {
        if (!out.isReady()) {
          return; // onWritePossible will schedule the next drain
        }
        batch.writeTo(out);
        unwritten = false;
        flushed = false;
      }
      Pending head = pollReady();
      if (head == null) {
        break;
      }
      do {
        listener.reportDone(head, append(head.report()));
      } while (batch.size() < BATCH_BYTES && (head = pollReady()) != null);
      unwritten = true;
    }
    if (!open.getAsBoolean()) {
      broken = true;
      dropReady();
      return;
    }
    if (!flushed) {
      if (!out.isReady()) {
        return;
      }
      out.flush(); // sends the chunk now, rather than when the buffer fills
      flushed = true;
    }
    if (isFinished() && out.isReady()) {
      complete(); // every write is done: the container may end the response
    }
  }

  private void dropReady() {
    Pending head;
    while ((head = pollReady()) != null) {
      listener.reportDone(head, DROPPED);
    }
    if (isFinished()) {
      complete();
    }
  }

  /** The next report, if it and every one before it are ready; null otherwise. */
  private Pending pollReady() {
    if (taken.isEmpty()) {
      takeReady();
    }
    return taken.poll();
  }

  /** Moves the ready reports at the head of the queue, up to {@link #TAKE}, to {@link #taken}. */
  private synchronized void takeReady() {
    Pending head;
    while (taken.size() < TAKE && (head = queue.peek()) != null && head.ready().isDone()) {
      taken.add(queue.poll());
    }
  }

  private synchronized boolean isFinished() {
    return finished && queue.isEmpty() && taken.isEmpty();
  }

  private void complete() {
    if (!done) {
      done = true;
      listener.allDone();
    }
  }

  /**
   * Appends the report and CRLF to the batch; a report that cannot be built is answered with a 500.
   *
   * @return the report's error code
   */
  private int append(Supplier<Object> report) throws IOException {
    Object body;
    try {
      body = report.get();
    } catch (RuntimeException e) {
      body = Errors.toFailure(e).body();
    }
    if (body instanceof ProduceResponse produced) {
      batch.append(produced);
      return produced.errorCode();
    }
    batch.appendMapped(body);
    return body instanceof ErrorResponse error ? error.errorCode() : 500;
  }
}

package dev.tributary.produce;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Writes one stream's delivery reports in request order, each as soon as it and every report before it
 * are ready: one JSON object and {@code \r\n} each, with non-blocking servlet output.
 *
 * <p>A report goes through two stages. Decided (it and every report before it are ready), it moves at
 * once to the stream's {@link HeldReports} as a few numbers, read or not, and its record leaves the
 * window ({@link Accounts#reportDecided}); written, it leaves the held reports ({@link
 * Accounts#reportDone}). So a client that reads only after sending its whole body keeps the reading
 * going while its reports wait; the stream bounds how many may wait.
 *
 * <p>Threads: {@link #add} and {@link #finish} are called in request order by the stream's worker;
 * readiness is usually signalled by the Kafka producer's I/O thread, which must never do our work, so it
 * only schedules a drain on {@code executor}. The container's {@link #onWritePossible} schedules one too.
 * At most one drain runs at a time (a {@link DrainLoop}), so the output and the held reports are
 * touched by one thread at a time and reports cannot overtake each other.
 *
 * <p>Servlet 6.0 rules this follows: a write or a flush only right after {@code isReady()} returned true,
 * and otherwise nothing until the container calls {@link #onWritePossible}, so a client that stops
 * reading holds no thread; and no use of the output once the exchange has ended, nor while it ends
 * ({@link ResponseOutput}), since the container may then recycle the response for another connection.
 */
final class ReportWriter implements WriteListener {

  /** Told as each report moves on (on the drain's thread). */
  interface Accounts {
    /** {@code report} is decided and held: its record, of {@code bytes}, leaves the window. */
    void reportDecided(DeliveryReport report, long bytes);

    /** A held report was written with {@code errorCode}, or dropped ({@link #DROPPED}); read at {@code readNanos}. */
    void reportDone(int errorCode, long readNanos);
  }

  /** Told how the writing ends. */
  interface Listener {
    /** The container reported that writing failed (in {@link #onError}): the client is gone. */
    void writeFailed(Throwable error);

    /** Every report is written or dropped, and no more will come: the exchange may complete. */
    void allDone();
  }

  /** The error code passed to {@link Accounts#reportDone} for a report that was not written. */
  static final int DROPPED = -1;

  /** A report in the queue, ready once {@code report} completes; its record was read at {@code readNanos}. */
  record Pending(CompletableFuture<DeliveryReport> report, long bytes, long readNanos) {}

  private final ResponseOutput output;
  private final Executor executor;
  private final Accounts accounts;
  private final Listener listener;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private final DrainLoop drain = new DrainLoop(this::drainRound);
  private boolean finished; // guarded by this
  private volatile boolean broken;
  private static final int BATCH_BYTES = 64 * 1024;
  private static final int TAKE = 256;

  private final ReportEncoder batch; // this and the rest: only the drain's
  private final HeldReports held = new HeldReports();
  // Ready reports taken from the queue in one locked step, not one step each.
  private final ArrayDeque<Pending> taken = new ArrayDeque<>();
  private boolean unwritten; // the batch is built but not yet handed to the output
  private boolean flushed;
  private boolean done;

  ReportWriter(ResponseOutput output, Executor executor, ReportEncoder encoder, Accounts accounts, Listener listener) {
    this.output = output;
    this.executor = executor;
    this.accounts = accounts;
    this.listener = listener;
    this.batch = encoder;
  }

  /** Queues the next report; once it completes, it is held and written on a writer thread. */
  void add(Pending pending) {
    synchronized (this) {
      queue.add(pending);
    }
    pending.report().whenComplete((ignored, error) -> schedule());
  }

  /** No more reports will be added; {@link Listener#allDone} follows once the queued ones are out. */
  void finish() {
    synchronized (this) {
      finished = true;
    }
    schedule();
  }

  /** The client is gone: held reports, and those still to be decided, are dropped. */
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
    drain.runOn(executor);
  }

  private void drainRound() {
    try {
      writeReady();
    } catch (IOException | RuntimeException e) {
      listener.writeFailed(e); // the client is gone, or the container gave up on the response
      ended();
    }
  }

  /**
   * Decides the ready reports, then writes held reports while the output can take them; stops, to be
   * called again, when it cannot. The reports held at once go out in one write (up to 64 KB), not one
   * write each.
   */
  private void writeReady() throws IOException {
    while (true) {
      decideReady();
      if (broken || !output.isOpen()) {
        ended();
        return;
      }
      if (unwritten) {
        if (!use(out -> out.isReady() && write(out))) {
          return; // onWritePossible will schedule the next drain (or the exchange ended)
        }
        unwritten = false;
        flushed = false;
      }
      if (held.isEmpty()) {
        break;
      }
      do {
        long readNanos = held.oldestReadNanos();
        accounts.reportDone(held.writeOldest(batch), readNanos);
      } while (batch.size() < BATCH_BYTES && !held.isEmpty());
      unwritten = true;
    }
    if (!flushed) {
      if (!use(ResponseOutput::flushIfReady)) { // the chunk goes now, not when the buffer fills
        return;
      }
      flushed = true;
    }
    if (isFinished() && use(ServletOutputStream::isReady)) {
      complete(); // every write is done: the container may end the response
    }
  }

  /** Whether {@code step} ran and answered true; if the exchange had ended, what is held is dropped. */
  private boolean use(ResponseOutput.Step step) throws IOException {
    Boolean answer = output.use(step);
    if (answer == null) {
      ended();
      return false;
    }
    return answer;
  }

  private boolean write(ServletOutputStream out) throws IOException {
    batch.writeTo(out);
    return true;
  }

  /** The exchange ended (or the writing failed): what is held is dropped. */
  private void ended() {
    broken = true;
    dropHeld();
  }

  /**
   * Moves every report that is ready, with every one before it, to the held reports; a report that
   * failed to be made (a bug) is a 500 in its place.
   */
  private void decideReady() {
    Pending head;
    while ((head = pollReady()) != null) {
      DeliveryReport report;
      try {
        report = head.report().join();
      } catch (CompletionException | CancellationException e) {
        report = DeliveryReport.failed(e);
      }
      held.add(report, head.readNanos());
      accounts.reportDecided(report, head.bytes());
    }
  }

  private void dropHeld() {
    decideReady();
    while (!held.isEmpty()) {
      long readNanos = held.oldestReadNanos();
      held.removeOldest();
      accounts.reportDone(DROPPED, readNanos);
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
    while (taken.size() < TAKE && (head = queue.peek()) != null && head.report().isDone()) {
      taken.add(queue.poll());
    }
  }

  private synchronized boolean isFinished() {
    return finished && queue.isEmpty() && taken.isEmpty() && held.isEmpty();
  }

  private void complete() {
    if (!done) {
      done = true;
      listener.allDone();
    }
  }
}

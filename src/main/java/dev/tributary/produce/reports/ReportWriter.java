package dev.tributary.produce.reports;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.produce.flow.DrainLoop;
import dev.tributary.produce.record.DeliveryReport;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <p>The two stages are two {@link DrainLoop}s, so that a write that waits never holds up the
 * deciding. The Servlet specification says a write after {@code isReady()} returned true does not
 * block, but Open Liberty's (25.0.0.11) does: its non-blocking output writes synchronously once its
 * buffer is full, and its flush always does, so a write there waits until the client reads. While it
 * waits, reports go on being decided on other threads, the reading goes on, and the next round of
 * writing takes everything decided meanwhile.
 *
 * <p>Threads: {@link #add} and {@link #finish} are called in request order by the stream's worker;
 * readiness is usually signalled by the Kafka producer's I/O thread, which must never do our work, so it
 * only schedules the deciding on {@code executor}, whose threads may wait in a write (they are not the
 * stream pool's, which must never wait). The thread that leaves the deciding then writes, unless another
 * is writing already; the container's {@link #onWritePossible} schedules the writing too. At most one
 * thread decides and one writes at a time, so reports cannot overtake each other.
 *
 * <p>Servlet 6.0 rules this follows: a write or a flush only right after {@code isReady()} returned true,
 * and otherwise nothing until the container calls {@link #onWritePossible}, so a client that stops
 * reading holds no thread (but on Liberty, see above); and no use of the output once the exchange has
 * ended, nor while it ends ({@link ResponseOutput}), since the container may then recycle the response
 * for another connection.
 *
 * <p>Public because the stream, one package up, starts one per stream, queues each record's report in
 * it, and hears from it ({@link Accounts}, {@link Listener}).
 */
public final class ReportWriter implements WriteListener {

  /** Told as each report moves on (on the deciding or the writing thread). */
  public interface Accounts {
    /** {@code report} is decided and held: its record, of {@code bytes}, leaves the window. */
    void reportDecided(DeliveryReport report, long bytes);

    /** A held report was written with {@code errorCode}, or dropped ({@link #DROPPED}); read at {@code readNanos}. */
    void reportDone(int errorCode, long readNanos);

    /** The container called {@code onWritePossible} for the first time (told on a writer thread). */
    default void writable() {}
  }

  /** Told how the writing ends. */
  public interface Listener {
    /** The container reported that writing failed (in {@link #onError}): the client is gone. */
    void writeFailed(Throwable error);

    /** Every report is written or dropped, and no more will come: the exchange may complete. */
    void allDone();
  }

  /** The error code passed to {@link Accounts#reportDone} for a report that was not written. */
  public static final int DROPPED = -1;

  /**
   * A report in the queue, ready once {@code report} completes; its record was read at {@code readNanos}.
   *
   * @param sequence the record's number in an exactly-once stream, written in its report; -1 in any other
   */
  public record Pending(CompletableFuture<DeliveryReport> report, long bytes, long readNanos, long sequence) {

    /** The report of a record in a stream that is not exactly-once. */
    public Pending(CompletableFuture<DeliveryReport> report, long bytes, long readNanos) {
      this(report, bytes, readNanos, -1);
    }
  }

  private static final int BATCH_BYTES = 64 * 1024;
  private static final int TAKE = 256;

  private final ResponseOutput output;
  private final Executor executor;
  private final Accounts accounts;
  private final Listener listener;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private boolean finished; // guarded by this
  private volatile boolean broken;
  /** Every report is decided and no more will come. */
  private volatile boolean allDecided;
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicBoolean called = new AtomicBoolean(); // onWritePossible came at least once
  private final DrainLoop deciding = new DrainLoop(this::decideRound);
  private final DrainLoop writing = new DrainLoop(this::writeRound);
  /** Decided reports not yet written: the deciding adds, the writing takes; guarded by itself. */
  private final HeldReports held = new HeldReports();

  // The deciding's own: ready reports taken from the queue in one locked step, not one step each.
  private final ArrayDeque<Pending> taken = new ArrayDeque<>();

  // The writing's own.
  private final ReportEncoder batch;
  private final BatchAccounts batchAccounts = new BatchAccounts();
  private boolean unwritten; // the batch is built but not yet handed to the output
  private boolean flushed = true;
  private boolean committed; // the response's first flush is done

  /**
   * A writer of {@code clusterId}'s {@code topic}'s reports to {@code output}, on {@code executor}'s
   * threads (which may wait in a write: see the class comment), encoded with {@code mapper}.
   */
  public ReportWriter(
      ResponseOutput output,
      Executor executor,
      ObjectMapper mapper,
      String clusterId,
      String topic,
      Accounts accounts,
      Listener listener) {
    this(output, executor, new ReportEncoder(mapper, clusterId, topic), accounts, listener);
  }

  ReportWriter(ResponseOutput output, Executor executor, ReportEncoder encoder, Accounts accounts, Listener listener) {
    this.output = requireNonNull(output, "output");
    this.executor = requireNonNull(executor, "executor");
    this.accounts = requireNonNull(accounts, "accounts");
    this.listener = requireNonNull(listener, "listener");
    this.batch = encoder;
  }

  /** Queues the next report; once it completes, it is held and written on a writer thread. */
  public void add(Pending pending) {
    synchronized (this) {
      queue.add(pending);
    }
    pending.report().whenComplete((ignored, error) -> decide());
  }

  /** No more reports will be added; {@link Listener#allDone} follows once the queued ones are out. */
  public void finish() {
    synchronized (this) {
      finished = true;
    }
    decide();
  }

  /** The client is gone: held reports, and those still to be decided, are dropped. */
  public void abandon() {
    broken = true;
    decide();
  }

  @Override
  public void onWritePossible() {
    if (called.compareAndSet(false, true)) {
      executor.execute(accounts::writable); // not on the container's thread: the reading goes on there
    }
    writing.runOn(executor);
  }

  @Override
  public void onError(Throwable error) {
    broken = true;
    listener.writeFailed(error);
    decide();
  }

  /** Schedules the deciding; the thread that leaves it writes next. */
  private void decide() {
    deciding.runOn(executor, writing::run);
  }

  /**
   * One round of the deciding: moves every report that is ready, with every one before it, to the held
   * reports; a report that failed to be made (a bug) is a 500 in its place. Once the writing is over
   * (the client is gone or the exchange ended), drops what is held.
   */
  private void decideRound() {
    Pending head;
    while ((head = pollReady()) != null) {
      DeliveryReport report;
      try {
        report = head.report().join();
      } catch (CompletionException | CancellationException e) {
        report = DeliveryReport.failed(e);
      }
      synchronized (held) {
        held.add(report, head.readNanos(), head.sequence());
      }
      accounts.reportDecided(report, head.bytes());
    }
    if (!allDecided && queueDone()) {
      allDecided = true;
    }
    if (broken) {
      dropHeld();
    }
  }

  /** One round of the writing; a failure ends it and leaves what is held to the deciding to drop. */
  private void writeRound() {
    try {
      writeReady();
    } catch (IOException | RuntimeException e) {
      listener.writeFailed(e); // the client is gone, or the container gave up on the response
      ended();
    }
  }

  /**
   * Writes held reports while the output can take them; stops, to be called again, when it cannot. The
   * reports held at once go out in one write (up to 64 KB), not one write each.
   */
  private void writeReady() throws IOException {
    while (true) {
      if (broken) {
        return; // whoever broke it scheduled the deciding, which drops what is held
      }
      if (!output.isOpen()) {
        ended();
        return;
      }
      if (unwritten) {
        if (!use(out -> out.isReady() && write(out))) {
          return; // onWritePossible will schedule the next round (or the exchange ended)
        }
        unwritten = false;
        flushed = false;
      }
      if (!takeBatch()) {
        break;
      }
      unwritten = true;
    }
    if (!flushed) {
      if (!use(ResponseOutput::flushIfReady)) { // the chunk goes now, not when the buffer fills
        return;
      }
      if (!committed) {
        // The response's first flush is flushed again: Open Liberty's (25.0.0.11) first flush only
        // commits the response and sends nothing written before it, so the first report would wait
        // for the next one's flush, and a full-duplex client would wait for ever.
        committed = true;
        if (!use(ResponseOutput::flushIfReady)) {
          return; // onWritePossible brings the writing back here: flushed is still false
        }
      }
      flushed = true;
    }
    if (allDecided && heldIsEmpty() && use(ServletOutputStream::isReady)) {
      complete(); // every write is done: the container may end the response
    }
  }

  /** Appends held reports to the batch, up to {@link #BATCH_BYTES}; false if none was held. */
  private boolean takeBatch() throws IOException {
    synchronized (held) {
      while (batch.size() < BATCH_BYTES && !held.isEmpty()) {
        long readNanos = held.oldestReadNanos();
        batchAccounts.add(held.writeOldest(batch), readNanos);
      }
    }
    return batchAccounts.tell(accounts);
  }

  /** Whether {@code step} ran and answered true; if the exchange had ended, what is held is dropped. */
  private boolean use(ResponseOutput.Step step) throws IOException {
    ResponseOutput.Use use = output.use(step);
    if (use == ResponseOutput.Use.ENDED) {
      ended();
    }
    return use == ResponseOutput.Use.READY;
  }

  private boolean write(ServletOutputStream out) throws IOException {
    batch.writeTo(out);
    return true;
  }

  /** The exchange ended (or the writing failed): the deciding drops what is held, and what comes. */
  private void ended() {
    if (!broken) {
      broken = true;
      decide();
    }
  }

  private void dropHeld() {
    while (true) {
      long readNanos;
      synchronized (held) {
        if (held.isEmpty()) {
          break;
        }
        readNanos = held.oldestReadNanos();
        held.removeOldest();
      }
      accounts.reportDone(DROPPED, readNanos);
    }
    if (allDecided) {
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

  /** Whether no more reports will come and every one queued has been decided (the deciding's question). */
  private synchronized boolean queueDone() {
    return finished && queue.isEmpty() && taken.isEmpty();
  }

  private boolean heldIsEmpty() {
    synchronized (held) {
      return held.isEmpty();
    }
  }

  private void complete() {
    if (done.compareAndSet(false, true)) {
      listener.allDone();
    }
  }

  /** The written reports of one batch, told to the accounts once the held reports' lock is let go. */
  private static final class BatchAccounts {
    private int[] codes = new int[16]; // grown by a stream's batches
    private long[] readNanos = new long[16];
    private int size;

    void add(int code, long read) {
      if (size == codes.length) {
        codes = java.util.Arrays.copyOf(codes, size * 2);
        readNanos = java.util.Arrays.copyOf(readNanos, size * 2);
      }
      codes[size] = code;
      readNanos[size++] = read;
    }

    /** Tells {@code accounts} of each report added since the last time; false if there was none. */
    boolean tell(Accounts accounts) {
      int count = size;
      size = 0;
      for (int i = 0; i < count; i++) {
        accounts.reportDone(codes[i], readNanos[i]);
      }
      return count > 0;
    }
  }
}

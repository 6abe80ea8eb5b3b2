package dev.tributary.produce;

import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ExactlyOnceSession;
import dev.tributary.kafka.SenderLease;
import dev.tributary.produce.body.BodyReader;
import dev.tributary.produce.body.BodySink;
import dev.tributary.produce.body.FramedRecord;
import dev.tributary.produce.record.TraceContext;
import dev.tributary.produce.reports.ReportWriter;
import jakarta.annotation.Nullable;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One produce request as a stream, on the {@link Exchange} it shares with the JAX-RS runtime: a state
 * machine that connects the {@link BodyReader} to the stream's reports ({@link StreamWorker}), within
 * its {@link Window}, and ends the exchange once (the package comment tells how a stream runs).
 */
final class ProduceStream implements BodySink, ReportWriter.Listener, Exchange.Listener {

  /** Where the stream stands; it only moves down this list. */
  private enum State {
    CHECKING, // the request's checks run: nothing is read yet
    OPEN, // the checks passed: records are read and produced
    EXPIRED, // past its maximum age: records read now get 408; the reading stops after the grace period
    CLOSED // its last word is said (timers, producer, accounts); the exchange ends now or soon
  }

  /** How long the last reports may take to write once the container failed to read the body (ms). */
  private static final long WRITE_GRACE_MS = 5_000;

  private final StreamContext shared;
  private final Exchange exchange;
  private final StreamLedger ledger;
  private final Window window;
  private final StreamWorker worker;
  private final BodyReader reader;
  private final AtomicReference<State> state = new AtomicReference<>(State.CHECKING);
  private final AtomicInteger endHolds = new AtomicInteger(1); // every report out, and a discard if asked
  private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
  private volatile SenderLease lease;
  @Nullable private volatile ExactlyOnceRecords exactlyOnce;
  private volatile boolean takenOver; // before its first record
  private volatile boolean stopping; // the application stops
  private volatile Runnable onClose = () -> {};

  /**
   * @param exactlyOnce whether the request opts into exactly-once (its window is then larger)
   * @param trace the request's trace context, or null
   */
  ProduceStream(
      StreamContext shared,
      Exchange exchange,
      String clusterId,
      String topic,
      boolean latin1,
      boolean exactlyOnce,
      @Nullable TraceContext trace,
      StreamLedger ledger)
      throws IOException {
    this.shared = shared;
    this.exchange = exchange;
    this.ledger = ledger;
    this.window = new Window(exactlyOnce ? shared.settings().exactlyOnce() : shared.settings(), ledger);
    this.worker = new StreamWorker(shared, window, clusterId, topic, trace);
    this.reader = new BodyReader(exchange.input(), shared.mapper().getFactory(), latin1, shared.settings(), window, this);
    window.onRoom(reader::resume);
  }

  /** Registers the reader, its gate shut until {@link #admit}. Runs in the dispatch that called the resource. */
  void listen() {
    ledger.open();
    exchange.listen(this);
    exchange.input().setReadListener(reader);
  }

  /** The request's checks passed: records go to {@code admitted}'s producer from now on. */
  void admit(SenderLease admitted) {
    admit(admitted, null, 0, -1);
  }

  /**
   * The request's checks passed, and, with an exactly-once {@code opened} session, its records go to
   * that session's transactions from now on, numbered from {@code first}; {@code committed} is the
   * producer id's last committed sequence, sent in the response's {@code Tributary-Committed-Sequence}.
   */
  void admit(SenderLease admitted, @Nullable ExactlyOnceSession opened, long first, long committed) {
    lease = admitted;
    if (opened != null) {
      exactlyOnce = new ExactlyOnceRecords(opened, first, committed, reader::stop);
      exchange.header(StreamOpener.COMMITTED_SEQUENCE, Long.toString(committed));
    }
    if (!state.compareAndSet(State.CHECKING, State.OPEN)) {
      admitted.close(); // the client went away while the checks ran
      if (opened != null) {
        opened.close();
      }
      return;
    }
    later(this::expire, shared.settings().maxDuration().toMillis());
    window.admit();
  }

  /** The request fails as a whole: JAX-RS answers it once the rest of the body is read and thrown away. */
  void refuse(Throwable failure) {
    close(Errors.toFailure(failure).httpStatus());
    discardRest(() -> exchange.answer(failure));
  }

  // ---- the reader's calls, on its thread, one at a time ----
  @Override
  public boolean started() {
    Optional<ServletOutputStream> out = exchange.takeOver();
    out.ifPresent(
        output -> {
          window.writerSetting(); // nothing more is read until the container first calls the writer
          worker.start(output, exchange, this);
        });
    return out.isPresent(); // empty: the exchange ended first, the client went away
  }

  @Override
  public void record(FramedRecord record) {
    worker.produce(record, state.get() == State.EXPIRED, lease, exactlyOnce);
  }

  @Override
  public void ended() {
    if (worker.started()) {
      worker.finish(exactlyOnce);
    } else {
      refuse(TributaryException.of(ErrorCode.EMPTY_BODY));
    }
  }

  @Override
  public void unreadable(TributaryException error, boolean cutOff) {
    if (!worker.started()) {
      refuse(error); // nothing was reported yet: the request fails as a whole
      return;
    }
    worker.fail(error, exactlyOnce);
    endHolds.incrementAndGet(); // the response ends once the rest of the body is discarded, too
    discardRest(this::release);
    worker.finish(exactlyOnce);
  }

  /**
   * As {@link #unreadable}, but the connection may be gone without a word (Undertow, after a reset): reports
   * not written within {@link #WRITE_GRACE_MS} are undelivered, and the exchange ends as failed.
   */
  @Override
  public void failed() {
    unreadable(TributaryException.of(ErrorCode.BODY_UNREADABLE), false);
    later(() -> {
      if (state.get() != State.CLOSED) {
        exchange.failed(new IOException("The connection failed: the request body could not be read"));
      }
    }, WRITE_GRACE_MS);
  }

  @Override
  public void stopped() {
    if (worker.started()) {
      worker.finish(exactlyOnce);
      return;
    }
    // No record yet: the client went away, a newer exactly-once stream took over, or the stream
    // reached its maximum age waiting for one.
    ErrorCode why = takenOver ? ErrorCode.TAKEN_OVER : stopping ? ErrorCode.STOPPING : ErrorCode.STREAM_TOO_OLD;
    close(exchange.isOpen() ? why.httpStatus() : 200);
    exchange.answer(TributaryException.of(why));
  }

  /**
   * The application stops: the reading stops now, and the stream ends once every record read has its
   * report (one not yet started is answered 503, {@code STOPPING}).
   */
  void stop() {
    stopping = true;
    reader.stop();
  }

  /** Whether the stream has said its last word (its exchange ends now or soon). */
  boolean isClosed() {
    return state.get() == State.CLOSED;
  }

  /** Runs {@code action} once the stream has closed (or at once if it has). */
  void onClose(Runnable action) {
    onClose = action;
    if (state.get() == State.CLOSED) {
      action.run();
    }
  }

  /**
   * The exactly-once session takes no more records (taken over, or after a record that was not
   * produced): the reading stops, and the stream ends once every record read has its report.
   */
  void exactlyOnceEnded() {
    takenOver = !worker.started(); // before the first record, only a takeover ends the session
    reader.stop();
  }

  @Override
  public void exchangeLost(Throwable error) {
    ledger.clientGone();
    worker.abandon();
    reader.stop();
  }

  @Override
  public void writeFailed(Throwable error) {
    exchange.failed(error); // in the container's callback, where the write failure was reported
  }

  @Override
  public void allDone() {
    close(200);
    release();
  }

  /** Discards the rest of the body, then runs {@code then} on the pool (never on a container's I/O thread). */
  private void discardRest(Runnable then) {
    reader.discardRest(shared.scheduler(), () -> shared.pool().execute(then));
  }

  private void release() {
    if (endHolds.decrementAndGet() == 0) {
      exchange.end();
    }
  }

  /** The maximum age: later records get 408; after the grace period the reading stops. */
  private void expire() {
    if (state.compareAndSet(State.OPEN, State.EXPIRED)) {
      later(reader::stop, shared.settings().gracePeriod().toMillis());
    }
  }

  /** Runs {@code task} in {@code millis} on the scheduler, unless the stream closes first. */
  private void later(Runnable task, long millis) {
    timers.add(shared.scheduler().schedule(task, millis, TimeUnit.MILLISECONDS));
    if (state.get() == State.CLOSED) {
      timers.forEach(timer -> timer.cancel(false)); // closed meanwhile, before it could see this timer
    }
  }

  /** The last word, once and before the exchange ends (so a client that saw its end finds the producer back). */
  private void close(int status) {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    timers.forEach(timer -> timer.cancel(false));
    SenderLease held = lease;
    if (held != null) {
      held.close(); // the producer delivers what it was given even if it is closed after this
    }
    ExactlyOnceRecords transactions = exactlyOnce;
    if (transactions != null) {
      transactions.close(); // every report is out: nothing is open but what a vanished client left
    }
    ledger.close(status, worker.started());
    onClose.run();
  }
}

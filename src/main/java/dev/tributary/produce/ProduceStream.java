package dev.tributary.produce;

import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.api.ErrorResponse;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.FailureLog;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.Delivery;
import dev.tributary.kafka.RecordSender;
import dev.tributary.kafka.SenderLease;
import dev.tributary.kafka.TopicRules;
import dev.tributary.metrics.ProxyMetrics;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One produce request: reads records ({@link BodyReader}), sends each to Kafka in order, and writes one
 * report per record in request order ({@link ReportWriter}), on the {@link Exchange} it shares with the
 * JAX-RS runtime (spec section 5).
 *
 * <p>Why non-blocking I/O: a stream may stay open for hours while sending a record a minute. With
 * blocking reads each open stream would hold a container thread (the reference's design), so a few
 * hundred idle streams exhaust a default container. Here a stream holds no thread while it waits.
 *
 * <p>Threads, and why each step runs where it does:
 *
 * <ul>
 *   <li>The reading loop (container threads, or a thread resuming it) only reads and frames bytes into
 *       records: no step there can block.
 *   <li>The stream's worker ({@link SerialExecutor} on the shared pool) parses, validates and sends each
 *       record, in order. {@code send} may wait up to {@code max.block.ms} for metadata or buffer space;
 *       it does so on the worker, never on a container thread.
 *   <li>The producer's I/O thread only completes futures; report writing happens on the pool.
 * </ul>
 *
 * <p>Back-pressure: records read but not yet decided (Kafka has not answered) form the stream's window,
 * bounded in count and in bytes. Decided reports that the client has not yet read are held apart, as a
 * few numbers each ({@link HeldReports}), under a bound of their own. When either is full the reader
 * waits, so TCP flow control slows the client; it goes on as Kafka answers and the client reads. A
 * stalled client, a stalled broker or an endless body never holds more than these bounds, and never
 * holds a thread; and a client that reads only after sending its whole body is not stopped by the
 * window, since its reports leave it as soon as they are decided.
 *
 * <p>Endings. The reader ends once, after its last record, and the stream then queues "no more reports"
 * on the worker, behind every record: the body's end gets every report, then the response ends; a syntax
 * error or an oversized record gets one last error report after the earlier ones, and the response
 * ends once the rest of the body has been read and thrown away ({@link BodyReader#discardRest}); the
 * stream's maximum age makes later records 408 and, after the grace period, stops the reading. A
 * client that vanishes (or an idle timeout, which the container reports the same way) ends the
 * exchange at once: its records already read are still sent, their reports are dropped and counted as
 * undelivered.
 */
final class ProduceStream
    implements BodyReader.Gate, BodyReader.Sink, ReportWriter.Listener, Exchange.Listener {

  /** How long the last reports may take to write once the container failed to read the body (ms). */
  private static final long WRITE_GRACE_MS = 5_000;

  private final ProduceStreams context;
  private final Exchange exchange;
  private final String clusterId;
  private final String topic;
  private final AccessLog accessLog;
  private final long startNanos;
  private final SerialExecutor worker;
  private final ProxyMetrics.TopicMeters meters;
  private final AccessLog.Tally tally = new AccessLog.Tally();
  private final AtomicLong windowRecords = new AtomicLong();
  private final AtomicLong windowBytes = new AtomicLong();
  private final AtomicLong heldReports = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean serverFaultLogged = new AtomicBoolean();
  private final AtomicInteger endHolds = new AtomicInteger(1);
  private final BodyReader reader;
  /** Whose producer this stream's records go to; null until the request's checks passed. */
  private volatile SenderLease lease;
  private volatile boolean expired;
  private volatile boolean clientGone;
  private volatile ReportWriter reports;
  private volatile ScheduledFuture<?> timer;
  private volatile ScheduledFuture<?> writeGrace;

  ProduceStream(
      ProduceStreams context,
      Exchange exchange,
      String clusterId,
      String topic,
      boolean latin1,
      AccessLog accessLog,
      long startNanos)
      throws IOException {
    this.context = context;
    this.exchange = exchange;
    this.clusterId = clusterId;
    this.topic = topic;
    this.accessLog = accessLog;
    this.startNanos = startNanos;
    this.worker = new SerialExecutor(context.pool());
    this.meters = context.metrics().topic(topic);
    this.reader =
        new BodyReader(
            exchange.input(),
            context.mapper().getFactory(),
            latin1,
            context.maxRecordBytes(),
            context.recordArrivalMillis(),
            this,
            this);
  }

  /**
   * Registers the reader with the container, its gate shut until {@link #admit}. Runs in the dispatch
   * that called the resource method.
   */
  void listen() {
    context.metrics().streamOpened();
    exchange.listen(this);
    exchange.input().setReadListener(reader);
  }

  /** The request's checks passed: records go to {@code lease}'s producer from now on. */
  void admit(SenderLease admitted) {
    lease = admitted;
    if (closed.get()) {
      admitted.close(); // the client went away while the checks ran
      return;
    }
    timer = context.scheduler().schedule(this::expire, context.maxDuration().toMillis(), TimeUnit.MILLISECONDS);
    reader.resume();
  }

  /**
   * The request fails as a whole, before any record: JAX-RS answers it, once the reader has read and
   * thrown away the rest of the body (so a client still sending it can read the answer).
   */
  void refuse(Throwable failure) {
    close(Errors.toFailure(failure).httpStatus());
    discardRest(() -> exchange.answer(failure));
  }

  /**
   * Has the reader discard the rest of the body, then runs {@code then} on the pool: the reader may
   * finish on a container's I/O thread (Undertow calls its listener there), where JAX-RS must not write.
   */
  private void discardRest(Runnable then) {
    reader.discardRest(context.scheduler(), () -> context.pool().execute(then));
  }

  @Override
  public boolean open() {
    return lease != null
        && windowRecords.get() < context.windowRecords()
        && windowBytes.get() < context.windowBytes()
        && heldReports.get() < context.heldReports();
  }

  // ---- reading: the reader's calls, on its thread ----

  @Override
  public boolean started() {
    HttpServletResponse response = exchange.takeOver();
    if (response == null) {
      return false; // the exchange already ended: the client went away
    }
    response.setStatus(200);
    response.setContentType("application/json");
    ServletOutputStream out;
    try {
      out = exchange.output();
    } catch (IOException | RuntimeException e) {
      exchange.failed(e);
      return false;
    }
    ReportWriter writer =
        new ReportWriter(
            out, exchange::isOpen, context.pool(), new ReportEncoder(context.mapper(), clusterId, topic), this);
    reports = writer;
    try {
      out.setWriteListener(writer);
    } catch (RuntimeException e) {
      exchange.failed(e); // reports are dropped; records read are still sent
    }
    return true;
  }

  @Override
  public void record(TokenBuffer tokens, long bytes) {
    windowRecords.incrementAndGet();
    windowBytes.addAndGet(bytes);
    bytesRead.addAndGet(bytes);
    meters.recordIn(bytes);
    boolean tooOld = expired;
    long readNanos = System.nanoTime();
    worker.execute(() -> handle(tokens, bytes, tooOld, readNanos));
  }

  @Override
  public void ended() {
    if (reports == null) {
      refuse(TributaryException.of(ErrorCode.EMPTY_BODY));
    } else {
      finishReports();
    }
  }

  @Override
  public void unreadable(TributaryException error, boolean cutOff) {
    if (reports == null) {
      refuse(error); // nothing was reported yet: the request fails as a whole
      return;
    }
    windowRecords.incrementAndGet();
    meters.recordIn(0);
    long readNanos = System.nanoTime();
    worker.execute(() -> reject(error, 0, readNanos));
    endHolds.incrementAndGet(); // the response ends once the rest of the body is discarded, too
    discardRest(this::release);
    finishReports();
  }

  /**
   * As {@link #unreadable}; but the connection may be gone, and a container is not bound to say so
   * (Undertow, after a reset, calls neither listener again): if the last reports cannot be written
   * within {@link #WRITE_GRACE_MS}, the exchange ends as failed, and they are counted as undelivered.
   */
  @Override
  public void failed() {
    unreadable(TributaryException.of(ErrorCode.BODY_UNREADABLE), false);
    writeGrace = context.scheduler().schedule(
        () -> {
          if (!closed.get()) {
            exchange.failed(new IOException("The connection failed: the request body could not be read"));
          }
        },
        WRITE_GRACE_MS,
        TimeUnit.MILLISECONDS);
    if (closed.get()) {
      writeGrace.cancel(false); // the stream closed meanwhile, before it could see the timer
    }
  }

  @Override
  public void stopped() {
    if (reports != null) {
      finishReports();
      return;
    }
    // No record yet: the client went away, or the stream reached its maximum age waiting for one.
    close(exchange.isOpen() ? ErrorCode.STREAM_TOO_OLD.httpStatus() : 200);
    exchange.answer(TributaryException.of(ErrorCode.STREAM_TOO_OLD));
  }

  // ---- records: handled in order on the worker ----

  private void handle(TokenBuffer tokens, long bytes, boolean tooOld, long readNanos) {
    if (tooOld) {
      reject(TributaryException.of(ErrorCode.STREAM_TOO_OLD), bytes, readNanos);
      return;
    }
    PreparedRecord prepared;
    TopicRules rules = context.metadata().rules(topic);
    try {
      prepared = context.builder().build(topic, context.reader().read(tokens), rules);
      Integer partition = prepared.record().partition();
      if (partition != null && !context.metadata().hasPartition(topic, partition)) {
        throw TributaryException.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      // Last: only a record that would be sent spends the rate limits.
      context.rateLimits().admit(clusterId, RecordSender.payloadBytes(prepared.record()));
    } catch (IOException | RuntimeException e) {
      reject(e, bytes, readNanos);
      return;
    }
    CompletableFuture<Delivery> delivery = lease.send(prepared.record(), rules);
    reports.add(
        new ReportWriter.Pending(
            delivery, (held, nanos) -> decide(delivery, prepared, held, nanos), bytes, readNanos));
  }

  /** Runs on the worker: queues an error report in this record's place. */
  private void reject(Throwable error, long bytes, long readNanos) {
    ErrorResponse body = logged(Errors.toFailure(error)).body();
    reports.add(
        new ReportWriter.Pending(
            CompletableFuture.completedFuture(null), (held, nanos) -> held.failed(body, nanos), bytes, readNanos));
  }

  /** Runs on a writer thread, once {@code delivery} is complete: holds the record's report. */
  private void decide(
      CompletableFuture<Delivery> delivery, PreparedRecord prepared, HeldReports held, long readNanos) {
    Delivery stored;
    try {
      stored = delivery.join();
    } catch (CompletionException e) {
      held.failed(logged(Errors.toFailure(e)).body(), readNanos);
      return;
    }
    held.produced(
        stored.partition(),
        stored.offset(),
        stored.timestamp(),
        ReportEncoder.data(prepared.key()),
        ReportEncoder.data(prepared.value()),
        readNanos);
  }

  /**
   * Logs a record's server-side failure: the first of the stream (the rest are counted in the metrics by
   * error code; an outage fails every record alike), and every unexpected one.
   */
  private Errors.Failure logged(Errors.Failure failure) {
    if (failure.serverFault() && (failure.unexpected() || !serverFaultLogged.getAndSet(true))) {
      FailureLog.log(failure, "a record of topic " + topic);
    }
    return failure;
  }

  // ---- endings ----

  /** After every report queued so far (and so every record read): no more reports. */
  private void finishReports() {
    ReportWriter writer = reports;
    worker.execute(writer::finish);
  }

  /** The stream reached its maximum age: later records get 408; after the grace period it stops reading. */
  private void expire() {
    expired = true;
    timer = context.scheduler().schedule(reader::stop, context.gracePeriod().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void exchangeLost(Throwable error) {
    clientGone = true;
    ReportWriter writer = reports;
    if (writer != null) {
      writer.abandon(); // reports are dropped from now on; the stream finishes once every record has one
    }
    reader.stop();
  }

  @Override
  public void writeFailed(Throwable error) {
    exchange.failed(error); // in the container's callback, where the write failure was reported
  }

  @Override
  public void reportDecided(ReportWriter.Pending report) {
    heldReports.incrementAndGet();
    windowRecords.decrementAndGet();
    windowBytes.addAndGet(-report.bytes());
    reader.resume();
  }

  @Override
  public void reportDone(int errorCode, long readNanos) {
    if (errorCode == ReportWriter.DROPPED) {
      meters.reportUndelivered();
    } else {
      meters.reportWritten(errorCode, System.nanoTime() - readNanos);
    }
    tally.add(errorCode);
    heldReports.decrementAndGet();
    reader.resume();
  }

  @Override
  public void allDone() {
    close(200);
    release();
  }

  /** One of the things the response's end waits for is done: every report, and a discard if one runs. */
  private void release() {
    if (endHolds.decrementAndGet() == 0) {
      exchange.end();
    }
  }

  /**
   * The stream's last word: its timer, its producer, the metrics and the access log. Once, and before
   * the exchange ends: a client that sees its response end finds the producer back in the pool.
   */
  private void close(int status) {
    if (closed.compareAndSet(false, true)) {
      for (ScheduledFuture<?> pending : new ScheduledFuture<?>[] {timer, writeGrace}) {
        if (pending != null) {
          pending.cancel(false);
        }
      }
      SenderLease held = lease;
      if (held != null) {
        held.close(); // the producer delivers what it was given even if it is closed after this
      }
      long nanos = System.nanoTime() - startNanos;
      context.metrics().streamClosed(nanos);
      if (reports == null && status != 200) {
        accessLog.refused(status, nanos);
      } else {
        accessLog.stream(status, tally, bytesRead.get(), nanos, clientGone);
      }
    }
  }
}

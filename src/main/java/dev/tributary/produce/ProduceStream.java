package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.api.ErrorResponse;
import dev.tributary.api.ProduceResponse;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.Delivery;
import dev.tributary.kafka.RecordSender;
import dev.tributary.kafka.SenderLease;
import dev.tributary.metrics.ProxyMetrics;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.AsyncResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * One produce request after its checks passed: reads records, sends each to Kafka, and writes one report
 * per record in request order (spec section 5), with servlet non-blocking I/O.
 *
 * <p>Why non-blocking I/O: a stream may stay open for hours while sending a record a minute. With
 * blocking reads each open stream would hold a container thread (the reference's design), so a few
 * hundred idle streams exhaust a default container. Here a stream holds no thread while it waits: the
 * container calls {@link #onDataAvailable} when bytes arrive, and reports are written when the client
 * can take them ({@link ReportWriter}).
 *
 * <p>Threads, and why each step runs where it does:
 *
 * <ul>
 *   <li>The read loop (container threads, or a writer thread resuming it) only reads and frames bytes
 *       into records: no step there can block.
 *   <li>The stream's worker ({@link SerialExecutor} on the shared pool) parses, validates and sends each
 *       record, in order. {@code send} may wait up to {@code max.block.ms} for metadata or buffer space;
 *       it does so on the worker, never on a container thread.
 *   <li>The producer's I/O thread only completes futures; report writing happens on the pool.
 * </ul>
 *
 * <p>Back-pressure: records read but not yet reported form the stream's window, bounded in count and in
 * bytes. When it is full the read loop stops reading, so TCP flow control slows the client; it resumes
 * as reports drain. A stalled client, a stalled broker or an endless body therefore never holds more than
 * the window, and never holds a thread.
 *
 * <p>Endings: the client ending its body gets every report, then the response ends; a syntax error or an
 * oversized record gets its report after the earlier ones, then the response ends; a client that
 * vanishes stops the reading, its records already read are still sent, their reports are dropped; an idle
 * timeout is an end of body; the stream's maximum age makes later records 408 and, after the grace
 * period, ends the stream.
 */
final class ProduceStream implements ReadListener, ReportWriter.Listener {

  private final ProduceStreams context;
  /** Whose producer this stream's records go to; given back when the exchange completes. */
  private final SenderLease lease;
  private final String clusterId;
  private final String topic;
  private final boolean latin1;
  private final AsyncContext exchange;
  private final AsyncResponse jaxrs;
  private final ServletInputStream in;
  private final RecordFramer framer;
  private final SerialExecutor worker;
  private final byte[] buffer = new byte[32 * 1024];

  private final AtomicInteger readWip = new AtomicInteger();
  private final AtomicLong windowRecords = new AtomicLong();
  private final AtomicLong windowBytes = new AtomicLong();
  private final AtomicBoolean finishing = new AtomicBoolean();
  private final AtomicBoolean completed = new AtomicBoolean();
  private final ProxyMetrics.TopicMeters meters;
  private final AccessLog accessLog;
  private final AccessLog.Tally tally = new AccessLog.Tally();
  private final long startNanos;
  private final AtomicLong bytesRead = new AtomicLong();
  private volatile boolean clientGone;
  private volatile boolean started;
  private volatile boolean ended;
  private volatile boolean allDataRead;
  private boolean eof; // only touched by the read loop
  private volatile boolean pausedForWindow;
  private volatile boolean expired;
  private volatile ReportWriter reports;
  private volatile ScheduledFuture<?> timer;
  // The last report timestamp and its text: records of one batch share a millisecond, and formatting
  // an Instant is a measurable part of writing a report. Only touched by the report writer's drain.
  private long lastMillis = -1;
  private String lastTimestamp;

  ProduceStream(
      ProduceStreams context,
      SenderLease lease,
      String clusterId,
      String topic,
      boolean latin1,
      AsyncContext exchange,
      AsyncResponse jaxrs,
      AccessLog accessLog,
      long startNanos)
      throws IOException {
    this.context = context;
    this.lease = lease;
    this.clusterId = clusterId;
    this.topic = topic;
    this.latin1 = latin1;
    this.exchange = exchange;
    this.jaxrs = jaxrs;
    this.in = exchange.getRequest().getInputStream();
    this.framer = new RecordFramer(context.mapper().getFactory());
    this.worker = new SerialExecutor(context.pool());
    this.meters = context.metrics().topic(topic);
    this.accessLog = accessLog;
    this.startNanos = startNanos;
  }

  /** Starts reading; from here on the container drives the stream. */
  void begin() {
    exchange.setTimeout(0); // this stream's own maximum age applies, not the container's async timeout
    context.metrics().streamOpened();
    timer = context.scheduler().schedule(this::expire, context.maxDuration().toMillis(), TimeUnit.MILLISECONDS);
    in.setReadListener(this);
  }

  // ---- reading: container callbacks, serialized by readWip ----

  @Override
  public void onDataAvailable() {
    read();
  }

  @Override
  public void onAllDataRead() {
    allDataRead = true;
    read();
  }

  @Override
  public void onError(Throwable error) {
    if (isTimeout(error)) {
      endHere(); // an idle client: its body ends here, and it still gets every report it is owed
    } else {
      clientGone();
    }
  }

  private void read() {
    if (readWip.getAndIncrement() != 0) {
      return; // the thread in the loop will go round again
    }
    int missed = 1;
    do {
      try {
        readAvailable();
      } catch (IOException | RuntimeException e) {
        clientGone();
      }
      missed = readWip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void readAvailable() throws IOException {
    while (!ended) {
      if (eof) {
        // The body ends when both have happened: this loop read its last byte, and the container said
        // so. onAllDataRead may come first, while bytes the paused loop has not read yet are buffered.
        if (allDataRead) {
          endOfBody();
        }
        return;
      }
      if (windowFull()) {
        pausedForWindow = true;
        if (windowFull()) {
          return; // reportDone resumes reading once the window has room
        }
        pausedForWindow = false;
      }
      if (!in.isReady()) {
        return; // the container calls onDataAvailable or onAllDataRead next
      }
      int read = in.read(buffer);
      if (read < 0) {
        eof = true;
      } else {
        onBytes(read);
      }
    }
  }

  private boolean windowFull() {
    return windowRecords.get() >= context.windowRecords() || windowBytes.get() >= context.windowBytes();
  }

  private void onBytes(int length) throws IOException {
    if (!started) {
      if (!hasContent(buffer, length)) {
        return;
      }
      start();
    }
    byte[] utf8 = latin1 ? ProduceStreams.latin1ToUtf8(buffer, length) : buffer;
    int utf8Length = latin1 ? utf8.length : length;
    try {
      framer.feed(utf8, 0, utf8Length, this::onRecord);
    } catch (JsonProcessingException e) {
      malformed(e);
      return;
    }
    if (!ended && framer.openRecordBytes() > context.maxRecordBytes()) {
      tooLarge();
    }
  }

  private static boolean hasContent(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return true;
      }
    }
    return false;
  }

  /** The first record is arriving: the response is 200 from here on, and reports flow. */
  private void start() throws IOException {
    started = true;
    HttpServletResponse response = (HttpServletResponse) exchange.getResponse();
    response.setStatus(200);
    response.setContentType("application/json");
    ReportWriter writer = new ReportWriter(response.getOutputStream(), context.pool(), context.mapper(), this);
    reports = writer;
    response.getOutputStream().setWriteListener(writer);
  }

  private void endOfBody() throws IOException {
    ended = true;
    if (!started) {
      // Nothing but whitespace: the request fails as a whole, answered by the JAX-RS error mapper.
      if (completed.compareAndSet(false, true)) {
        cancelTimer();
        lease.close();
        closeAccounts(ErrorCode.EMPTY_BODY.httpStatus());
        jaxrs.resume(TributaryException.of(ErrorCode.EMPTY_BODY));
      }
      return;
    }
    try {
      framer.end(this::onRecord);
    } catch (JsonProcessingException e) {
      malformed(e);
      return;
    }
    finishReports();
  }

  // ---- records: framed on the read loop, handled in order on the worker ----

  private void onRecord(TokenBuffer tokens, long bytes) {
    if (ended) {
      return;
    }
    if (bytes > context.maxRecordBytes()) {
      tooLarge();
      return;
    }
    windowRecords.incrementAndGet();
    windowBytes.addAndGet(bytes);
    bytesRead.addAndGet(bytes);
    meters.recordIn(bytes);
    boolean tooOld = expired;
    long readNanos = System.nanoTime();
    worker.execute(() -> handle(tokens, bytes, tooOld, readNanos));
  }

  private void handle(TokenBuffer tokens, long bytes, boolean tooOld, long readNanos) {
    if (tooOld) {
      reject(TributaryException.of(ErrorCode.STREAM_TOO_OLD), bytes, readNanos);
      return;
    }
    PreparedRecord prepared;
    try {
      prepared = context.builder().build(topic, context.reader().read(tokens));
      Integer partition = prepared.record().partition();
      if (partition != null && !context.metadata().hasPartition(topic, partition)) {
        throw TributaryException.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      int limit = context.metadata().maxMessageBytes(topic);
      if (RecordSender.sizeUpperBound(prepared.record()) > limit) {
        throw TributaryException.of(
            ErrorCode.RECORD_TOO_LARGE,
            "The record is larger than the topic's maximum message size (max.message.bytes=" + limit + ").");
      }
      // Last: only a record that would be sent spends the rate limits.
      context.rateLimits().admit(clusterId, RecordSender.payloadBytes(prepared.record()));
    } catch (IOException | RuntimeException e) {
      reject(e, bytes, readNanos);
      return;
    }
    CompletableFuture<Delivery> delivery = lease.sender().send(prepared.record());
    reports.add(new ReportWriter.Pending(delivery, () -> report(delivery, prepared), bytes, readNanos));
  }

  /** Runs on the worker: queues an error report in this record's place. */
  private void reject(Throwable error, long bytes, long readNanos) {
    ErrorResponse body = Errors.toFailure(error).body();
    reports.add(
        new ReportWriter.Pending(CompletableFuture.completedFuture(null), () -> body, bytes, readNanos));
  }

  /** Runs on a writer thread, once {@code delivery} is complete. */
  private Object report(CompletableFuture<Delivery> delivery, PreparedRecord prepared) {
    Delivery stored;
    try {
      stored = delivery.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof AuthenticationException) {
        lease.invalidate(); // the next request with these credentials proves them again
      }
      return Errors.toFailure(e).body();
    }
    return new ProduceResponse(
        200,
        clusterId,
        topic,
        stored.partition(),
        stored.offset(),
        timestamp(stored.timestamp()),
        prepared.key(),
        prepared.value());
  }

  private String timestamp(long millis) {
    if (millis != lastMillis) {
      lastTimestamp = Instant.ofEpochMilli(millis).toString();
      lastMillis = millis;
    }
    return lastTimestamp;
  }

  // ---- endings ----

  /** A syntax error: the rest of the body cannot be read. One final 400 after the earlier reports. */
  private void malformed(JsonProcessingException e) {
    endWith(TributaryException.of(ErrorCode.MALFORMED_STREAM, Errors.withoutLocation(e.getOriginalMessage())));
  }

  /** A record over the size limit: not read further (it could be endless), one final 413. */
  private void tooLarge() {
    endWith(
        TributaryException.of(
            ErrorCode.RECORD_TOO_LARGE,
            "The record is larger than the maximum of " + context.maxRecordBytes()
                + " bytes (api.v3.produce.request.size.limit.max.bytes)."));
  }

  private void endWith(TributaryException error) {
    ended = true;
    windowRecords.incrementAndGet();
    meters.recordIn(0);
    long readNanos = System.nanoTime();
    worker.execute(() -> reject(error, 0, readNanos));
    finishReports();
  }

  /** The stream reached its maximum age: later records get 408; after the grace period it ends. */
  private void expire() {
    expired = true;
    timer = context.scheduler().schedule(this::endHere, context.gracePeriod().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops reading; every report owed is still written, then the exchange completes. */
  private void endHere() {
    ended = true;
    if (started) {
      finishReports();
    } else {
      complete();
    }
  }

  /** After every report queued so far: no more reports; the exchange completes once they are out. */
  private void finishReports() {
    if (finishing.compareAndSet(false, true)) {
      worker.execute(() -> reports.finish());
    }
  }

  private void clientGone() {
    ended = true;
    clientGone = true;
    if (started) {
      reports.abandon();
    } else {
      complete();
    }
  }

  @Override
  public void reportDone(ReportWriter.Pending report, int errorCode) {
    if (errorCode == ReportWriter.DROPPED) {
      meters.reportUndelivered();
    } else {
      meters.reportWritten(errorCode, System.nanoTime() - report.readNanos());
    }
    tally.add(errorCode);
    windowRecords.decrementAndGet();
    windowBytes.addAndGet(-report.bytes());
    if (pausedForWindow && !windowFull()) {
      pausedForWindow = false;
      read();
    }
  }

  @Override
  public void allDone(boolean clientGone) {
    ended = true;
    this.clientGone |= clientGone;
    complete();
  }

  private void complete() {
    if (completed.compareAndSet(false, true)) {
      cancelTimer();
      lease.close(); // the producer delivers what it was given even if it is closed after this
      closeAccounts(200);
      try {
        exchange.complete();
      } catch (IllegalStateException alreadyCompleted) {
        // The container completed it first (e.g. after a connection error).
      }
    }
  }

  /** The stream's last word in the metrics and the access log. */
  private void closeAccounts(int status) {
    long nanos = System.nanoTime() - startNanos;
    context.metrics().streamClosed(nanos);
    accessLog.stream(status, tally, bytesRead.get(), nanos, clientGone);
  }

  private void cancelTimer() {
    ScheduledFuture<?> current = timer;
    if (current != null) {
      current.cancel(false);
    }
  }

  private static boolean isTimeout(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }
}

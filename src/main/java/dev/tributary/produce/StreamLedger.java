package dev.tributary.produce;

import dev.tributary.errors.Errors;
import dev.tributary.errors.FailureLog;
import dev.tributary.metrics.ProxyMetrics;
import dev.tributary.produce.record.DeliveryReport;
import dev.tributary.produce.reports.ReportWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream's accounts: records in, reports written (by error code) or undelivered, bytes read, and how
 * the stream ended; kept in the metrics as they happen, and closed once into the stream's access-log line.
 * Its server-side failures are logged here too, once per stream.
 * Every record in has exactly one report out, written or undelivered, so the two always add up. Thread-safe.
 */
final class StreamLedger {

  private final ProxyMetrics metrics;
  private final String topic;
  private final ProxyMetrics.TopicMeters meters;
  private final AccessLog accessLog;
  private final long startNanos;
  private final AccessLog.Tally tally = new AccessLog.Tally();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicBoolean serverFaultLogged = new AtomicBoolean();
  private volatile boolean clientGone;

  StreamLedger(ProxyMetrics metrics, String topic, AccessLog accessLog, long startNanos) {
    this.metrics = metrics;
    this.topic = topic;
    this.meters = metrics.topic(topic);
    this.accessLog = accessLog;
    this.startNanos = startNanos;
  }

  /** The stream is registered with the container: it counts as open in the metrics until {@link #close}. */
  void open() {
    metrics.streamOpened();
  }

  /** A record of {@code bytes} was read (0: a last error report that stands for no record). */
  void recordIn(long bytes) {
    bytesRead.addAndGet(bytes);
    meters.recordIn(bytes);
  }

  /**
   * A record's report is decided. A server-side failure is logged for the first record of the stream that
   * has one (the rest are counted by error code: an outage fails every record alike), and every unexpected
   * one is logged.
   */
  void decided(DeliveryReport report) {
    if (report instanceof DeliveryReport.Failed failed) {
      Errors.Failure failure = failed.failure();
      if (failure.serverFault() && (failure.unexpected() || !serverFaultLogged.getAndSet(true))) {
        FailureLog.log(failure, "a record of topic " + topic);
      }
    }
  }

  /** A report was written with {@code errorCode}, or dropped ({@link ReportWriter#DROPPED}). */
  void reportDone(int errorCode, long readNanos) {
    if (errorCode == ReportWriter.DROPPED) {
      meters.reportUndelivered();
    } else {
      meters.reportWritten(errorCode, System.nanoTime() - readNanos);
    }
    tally.add(errorCode);
  }

  /** The client went away: the access log says so. */
  void clientGone() {
    clientGone = true;
  }

  /**
   * Closes the accounts: the stream's duration and its access-log line with {@code status}. Called once,
   * by the stream's own once-only close.
   *
   * @param streamed whether the stream took the exchange over (its status was 200 from its first record)
   */
  void close(int status, boolean streamed) {
    long nanos = System.nanoTime() - startNanos;
    metrics.streamClosed(nanos);
    if (!streamed && status != 200) {
      accessLog.refused(status, nanos);
    } else {
      accessLog.stream(status, tally, bytesRead.get(), nanos, clientGone);
    }
  }
}

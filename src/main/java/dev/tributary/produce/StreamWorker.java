package dev.tributary.produce;

import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.SenderLease;
import dev.tributary.produce.body.FramedRecord;
import dev.tributary.produce.flow.SerialExecutor;
import dev.tributary.produce.record.DeliveryReport;
import dev.tributary.produce.record.RecordPipeline;
import dev.tributary.produce.record.TraceContext;
import dev.tributary.produce.reports.ReportWriter;
import jakarta.annotation.Nullable;
import jakarta.servlet.ServletOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * One stream's reports, in request order: each record read is counted into the {@link Window}, produced
 * on the stream's worker by the {@link RecordPipeline}, and its report queued in the record's place for
 * the {@link ReportWriter}. The calls come from the reading thread, one at a time, in request order; the
 * worker keeps that order, so reports cannot overtake each other.
 */
final class StreamWorker {

  private final StreamContext shared;
  private final Window window;
  private final String clusterId;
  private final String topic;
  @Nullable private final TraceContext trace;
  private final SerialExecutor worker;
  private volatile ReportWriter writer;

  /** @param trace the request's trace context, carried by each record (null if none) */
  StreamWorker(StreamContext shared, Window window, String clusterId, String topic, @Nullable TraceContext trace) {
    this.shared = shared;
    this.window = window;
    this.clusterId = clusterId;
    this.topic = topic;
    this.trace = trace;
    this.worker = new SerialExecutor(shared.pool());
  }

  /**
   * The first record arrived: reports go to {@code out} from now on. The writer is registered on the
   * worker, before any report reaches it, never on the reading thread (see {@link Exchange}: the
   * reading may be the container's read callback).
   */
  void start(ServletOutputStream out, Exchange exchange, ReportWriter.Listener listener) {
    ReportWriter started =
        new ReportWriter(exchange, shared.writers(), shared.mapper(), clusterId, topic, window, listener);
    writer = started;
    worker.execute(
        () -> {
          try {
            out.setWriteListener(started);
          } catch (RuntimeException e) {
            exchange.failed(e); // reports are dropped; records read are still sent
          }
        });
  }

  /** Whether the first record arrived: the request can no longer fail as a whole. */
  boolean started() {
    return writer != null;
  }

  /**
   * A record, produced with {@code lease}'s producer, or in {@code exactlyOnce}'s transactions when the
   * stream has them; or, {@code tooOld}, answered 408 unproduced.
   */
  void produce(FramedRecord record, boolean tooOld, SenderLease lease, @Nullable ExactlyOnceRecords exactlyOnce) {
    long bytes = record.bytes();
    window.read(bytes);
    long readNanos = System.nanoTime();
    if (exactlyOnce != null) {
      worker.execute(
          () -> {
            long sequence = exactlyOnce.next();
            queue(
                exactlyOnce.produce(
                    sequence,
                    tooOld ? TributaryException.of(ErrorCode.STREAM_TOO_OLD) : null,
                    sender -> shared.pipeline().produce(clusterId, topic, sender, record.tokens(), trace)),
                bytes,
                readNanos,
                sequence);
          });
      return;
    }
    worker.execute(
        () -> queue(
            tooOld
                ? failed(TributaryException.of(ErrorCode.STREAM_TOO_OLD))
                : shared.pipeline().produce(clusterId, topic, lease, record.tokens(), trace),
            bytes,
            readNanos,
            -1));
  }

  /** A last report, {@code error}, for what could not be read. */
  void fail(TributaryException error, @Nullable ExactlyOnceRecords exactlyOnce) {
    window.read(0);
    long readNanos = System.nanoTime();
    worker.execute(
        () -> {
          long sequence = -1;
          if (exactlyOnce != null) {
            sequence = exactlyOnce.next();
            exactlyOnce.unproduced(sequence);
          }
          queue(failed(error), 0, readNanos, sequence);
        });
  }

  /**
   * After every report queued so far: no more reports ({@link ReportWriter.Listener#allDone} follows
   * once they are out; an exactly-once stream's open transaction commits first).
   */
  void finish(@Nullable ExactlyOnceRecords exactlyOnce) {
    ReportWriter started = writer;
    worker.execute(
        () -> {
          if (exactlyOnce != null) {
            exactlyOnce.finish();
          }
          started.finish();
        });
  }

  /** The client is gone: reports are dropped from now on, and the stream finishes once each record has one. */
  void abandon() {
    ReportWriter started = writer;
    if (started != null) {
      started.abandon();
    }
  }

  /** On the worker, in request order: the report goes in its record's place. */
  private void queue(CompletableFuture<DeliveryReport> report, long bytes, long readNanos, long sequence) {
    writer.add(new ReportWriter.Pending(report, bytes, readNanos, sequence));
  }

  private static CompletableFuture<DeliveryReport> failed(Throwable error) {
    return CompletableFuture.completedFuture(DeliveryReport.failed(error));
  }
}

package dev.tributary.produce;

import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ExactlyOnceSession;
import dev.tributary.kafka.Sender;
import dev.tributary.produce.record.DeliveryReport;
import jakarta.annotation.Nullable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An exactly-once stream's records, numbered: the body's first record is the request's {@code
 * Tributary-Sequence}, each next one the number after. A record at or below the producer id's committed
 * sequence was produced before: its report says {@code "duplicate": true}, and it is not read. The
 * stream ends at the first record not produced (see {@link ExactlyOnceSession}): each record after it is
 * answered {@code NOT_PRODUCED_AFTER_FAILURE} unsent, so what Kafka holds is always a prefix of the
 * numbers, and the client resends from the first record without a 200.
 *
 * <p>Only the stream's worker calls it, one record at a time, in request order. Not thread-safe.
 */
final class ExactlyOnceRecords {

  private final ExactlyOnceSession session;
  private final long committed;
  private final Runnable stopReading;
  private long next;
  private long firstUnproduced = -1;

  /**
   * @param first the body's first record's number
   * @param committed the producer id's last committed sequence when the stream opened, or -1
   * @param stopReading stops the body's reading: the stream ends after the reports
   */
  ExactlyOnceRecords(ExactlyOnceSession session, long first, long committed, Runnable stopReading) {
    this.session = session;
    this.next = first;
    this.committed = committed;
    this.stopReading = stopReading;
  }

  /** The next record's number: call once per record, and pass it to {@link #produce}. */
  long next() {
    return next++;
  }

  /**
   * The report of the record numbered {@code sequence}: {@code produce} sends it through the sender
   * given, unless it is a duplicate, too old ({@code refusal} is then its report's error) or after a
   * record that was not produced.
   */
  CompletableFuture<DeliveryReport> produce(
      long sequence, @Nullable TributaryException refusal, Function<Sender, CompletableFuture<DeliveryReport>> produce) {
    if (sequence <= committed) {
      return CompletableFuture.completedFuture(DeliveryReport.DUPLICATE);
    }
    if (firstUnproduced >= 0) {
      return failed(TributaryException.of(ErrorCode.NOT_PRODUCED_AFTER_FAILURE, firstUnproduced));
    }
    CompletableFuture<DeliveryReport> report =
        refusal != null ? failed(refusal) : produce.apply(session.at(sequence));
    if (report.isDone() && report.join() instanceof DeliveryReport.Failed failed) {
      if (failed.body().errorCode() == ErrorCode.TAKEN_OVER.errorCode()) {
        stopReading.run(); // the session answers each later record "taken over" itself
      } else {
        unproduced(sequence); // refused before it was sent: the records before it commit, and the stream ends
      }
    }
    return report;
  }

  /** The record numbered {@code sequence} is not produced (and not sent): the stream ends. */
  void unproduced(long sequence) {
    if (firstUnproduced < 0) {
      firstUnproduced = sequence;
      session.stopAfter(sequence);
      stopReading.run();
    }
  }

  /** The stream is over: the session aborts what is still open and closes its producer. */
  void close() {
    session.close();
  }

  /** The body is read to its end (or its reading stopped): what is open commits. */
  void finish() {
    session.finish();
  }

  private static CompletableFuture<DeliveryReport> failed(Throwable error) {
    return CompletableFuture.completedFuture(DeliveryReport.failed(error));
  }
}

package dev.tributary.produce;

import dev.tributary.config.StreamSettings;
import dev.tributary.produce.body.BodySink;
import dev.tributary.produce.record.DeliveryReport;
import dev.tributary.produce.reports.ReportWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gate of one stream's reading: shut until the request's checks pass, and then open while what the
 * stream holds is under its bounds: records read but not yet decided (Kafka has not answered), by count
 * and by request bytes; and decided reports its client has not yet read (the report writer holds them, a few numbers each). So a fast
 * client, a slow broker or a client that does not read holds at most this much, and TCP flow control
 * slows the client meanwhile. When a record leaves, the reading is asked to go on ({@code onRoom}).
 *
 * <p>Every record in, and every report out, is also entered in the stream's {@link StreamLedger}.
 * Thread-safe: the reading counts records in, report writers count them out.
 */
final class Window implements BodySink.Gate, ReportWriter.Accounts {

  private final long maxRecords;
  private final long maxBytes;
  private final long maxHeld;
  private final StreamLedger ledger;
  private volatile Runnable onRoom = () -> {};
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private volatile boolean admitted;
  private volatile boolean writerPending;

  Window(StreamSettings settings, StreamLedger ledger) {
    this.maxRecords = settings.windowRecords();
    this.maxBytes = settings.windowBytes();
    this.maxHeld = settings.heldReports();
    this.ledger = ledger;
  }

  /** {@code resume} asks the reading to go on: it is called whenever the window may have opened. */
  void onRoom(Runnable resume) {
    onRoom = resume;
  }

  /** The request's checks passed: the gate opens. */
  void admit() {
    admitted = true;
    onRoom.run();
  }

  /**
   * The response's write listener is being set: the gate stays shut until the container's first {@code
   * onWritePossible} ({@link #writable}). Between the two, nothing is read: Tomcat (10.1, 11) loses that
   * first call when a read meanwhile meets a chunked body's end (its dispatch for the end runs the
   * pending write dispatch where no request is), and the stream then waits for a call that never comes.
   */
  void writerSetting() {
    writerPending = true;
  }

  @Override
  public void writable() {
    if (writerPending) {
      writerPending = false;
      onRoom.run();
    }
  }

  /** A record of {@code recordBytes} was read (0 for a last error report that stands for no record). */
  void read(long recordBytes) {
    records.incrementAndGet();
    bytes.addAndGet(recordBytes);
    ledger.recordIn(recordBytes);
  }

  @Override
  public void reportDecided(DeliveryReport report, long recordBytes) {
    ledger.decided(report);
    held.incrementAndGet();
    records.decrementAndGet();
    bytes.addAndGet(-recordBytes);
    onRoom.run();
  }

  @Override
  public void reportDone(int errorCode, long readNanos) {
    ledger.reportDone(errorCode, readNanos);
    held.decrementAndGet();
    onRoom.run();
  }

  @Override
  public boolean open() {
    return admitted && !writerPending && records.get() < maxRecords && bytes.get() < maxBytes && held.get() < maxHeld;
  }
}

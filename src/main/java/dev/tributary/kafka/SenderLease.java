package dev.tributary.kafka;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The use of a {@link RecordSender} by one request, from its checks until its last report. Closing it
 * gives the sender back; closing it twice is harmless.
 */
public final class SenderLease implements AutoCloseable {

  private final RecordSender sender;
  private final Runnable release;
  private final Runnable invalidate;
  private final AtomicBoolean released = new AtomicBoolean();

  SenderLease(RecordSender sender, Runnable release, Runnable invalidate) {
    this.sender = sender;
    this.release = release;
    this.invalidate = invalidate;
  }

  /** A lease on a sender that is shared by every request and never given back. */
  public static SenderLease shared(RecordSender sender) {
    return new SenderLease(sender, () -> {}, () -> {});
  }

  /**
   * Kafka rejected this sender's credentials (a password changed, a user deleted): no later request
   * gets this sender, so the next one proves its credentials afresh. Harmless for a shared sender.
   */
  public void invalidate() {
    invalidate.run();
  }

  public RecordSender sender() {
    return sender;
  }

  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      release.run();
    }
  }
}

package dev.tributary.kafka;

/**
 * A record larger than its topic's {@code max.message.bytes} allows, refused before it reached the
 * producer (see {@link RecordSender#send}).
 */
public final class OversizedRecordException extends RuntimeException {

  private final int maxMessageBytes;

  OversizedRecordException(int maxMessageBytes) {
    super("max.message.bytes=" + maxMessageBytes, null, false, false);
    this.maxMessageBytes = maxMessageBytes;
  }

  /** The topic's limit. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }
}

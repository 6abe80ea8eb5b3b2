package dev.tributary.kafka;

/**
 * Every producer the pool may hold is in use by another principal, so none can be made for this one now.
 * The REST layer answers it as a rate limit (429), naming {@link #maxSize}.
 */
public final class PoolFullException extends RuntimeException {

  private final int maxSize;

  PoolFullException(int maxSize) {
    super("all " + maxSize + " Kafka producers are in use by other principals", null, false, false);
    this.maxSize = maxSize;
  }

  /** How many producers the pool holds at most. */
  public int maxSize() {
    return maxSize;
  }
}

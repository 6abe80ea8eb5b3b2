package dev.tributary.kafka;

/**
 * Every producer a pool may hold is in use, so none can be made for this request now: the principals'
 * pool ({@link SenderPool}) or the exactly-once one ({@link ExactlyOncePool}, {@link #exactlyOnce}). The
 * REST layer answers it as a rate limit (429), naming {@link #maxSize}.
 */
public final class PoolFullException extends RuntimeException {

  private final int maxSize;
  private final boolean exactlyOnce;

  PoolFullException(int maxSize) {
    this(maxSize, false);
  }

  PoolFullException(int maxSize, boolean exactlyOnce) {
    super(
        "all " + maxSize + (exactlyOnce ? " exactly-once producers are in use" : " Kafka producers are in use by other principals"),
        null,
        false,
        false);
    this.maxSize = maxSize;
    this.exactlyOnce = exactlyOnce;
  }

  /** Whether the exactly-once streams' pool is full, rather than the principals' one. */
  public boolean exactlyOnce() {
    return exactlyOnce;
  }

  /** How many producers the pool holds at most. */
  public int maxSize() {
    return maxSize;
  }
}

package dev.tributary.kafka;

/**
 * Every producer the pool may hold is in use by another principal, so none can be made for this one now.
 * The REST layer answers it as a rate limit (429); the message says why, in the client's words.
 */
public final class PoolFullException extends RuntimeException {

  PoolFullException(int maxSize) {
    super("all " + maxSize + " Kafka producers are in use by other principals; retry later", null, false, false);
  }
}

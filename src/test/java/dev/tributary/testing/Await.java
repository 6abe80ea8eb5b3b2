package dev.tributary.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition, never for a fixed time: the one way the tests wait for something to happen. */
public final class Await {

  /** How often the condition is asked again (ms). */
  private static final long POLL_MILLIS = 10;

  private Await() {}

  /**
   * Returns as soon as {@code condition} holds; fails naming {@code description} if it still does not
   * after {@code timeout}.
   */
  public static void until(Duration timeout, BooleanSupplier condition, String description) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Gave up after " + timeout + " waiting for " + description);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for " + description, e);
      }
    }
  }
}

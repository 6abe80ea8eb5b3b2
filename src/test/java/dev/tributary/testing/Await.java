package dev.tributary.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Waits for a condition, never for a fixed time: the one way the tests wait for something to happen. An
 * interruption ends any wait as a failure, with the thread's interrupt status set again.
 */
public final class Await {

  /** How often the condition is asked again, unless the caller says otherwise. */
  private static final Duration POLL = Duration.ofMillis(10);

  private Await() {}

  /**
   * A yes-or-no question about the state awaited, asked again until the answer is yes. Asking may throw,
   * e.g. when it is a request to a server: the exception ends the wait and reaches the caller unchanged.
   */
  @FunctionalInterface
  public interface Condition<E extends Exception> {
    boolean holds() throws E, InterruptedException;
  }

  /**
   * A look at the state awaited, taken again until what it sees will do. Looking may throw, e.g. when it
   * is a request to a server: the exception ends the wait and reaches the caller unchanged.
   */
  @FunctionalInterface
  public interface Probe<T, E extends Exception> {
    T look() throws E, InterruptedException;
  }

  /**
   * Returns as soon as {@code condition} holds; fails naming {@code description} if it still does not
   * after {@code timeout}.
   */
  public static <E extends Exception> void until(Duration timeout, Condition<E> condition, String description)
      throws E {
    until(timeout, POLL, condition, description);
  }

  /**
   * As {@link #until(Duration, Condition, String)}, asking {@code period} apart: for a condition that is
   * costly to ask, or whose asking is paced. {@link Duration#ZERO} asks again at once, for a condition
   * that waits by itself (a consumer's poll).
   */
  public static <E extends Exception> void until(
      Duration timeout, Duration period, Condition<E> condition, String description) throws E {
    await(timeout, period, condition::holds, Boolean::booleanValue, description, false);
  }

  /**
   * Returns the first look of {@code probe} that {@code done} accepts; fails naming {@code description},
   * and showing the last look, if none did within {@code timeout}.
   */
  public static <T, E extends Exception> T until(
      Duration timeout, Probe<T, E> probe, Predicate<? super T> done, String description) throws E {
    return until(timeout, POLL, probe, done, description);
  }

  /** As {@link #until(Duration, Probe, Predicate, String)}, looking {@code period} apart. */
  public static <T, E extends Exception> T until(
      Duration timeout, Duration period, Probe<T, E> probe, Predicate<? super T> done, String description)
      throws E {
    return await(timeout, period, probe, done, description, true);
  }

  /** The failing wait behind every {@code until}; {@code showLast} adds the last look to the failure. */
  private static <T, E extends Exception> T await(
      Duration timeout, Duration period, Probe<T, E> probe, Predicate<? super T> done, String description,
      boolean showLast) throws E {
    List<T> last = new ArrayList<>(1);
    try {
      if (look(timeout, period, probe, done, last)) {
        return last.get(0);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + description, e);
    }
    throw new AssertionError(
        "Gave up after " + timeout + " waiting for " + description + (showLast ? "; last seen: " + last.get(0) : ""));
  }

  /**
   * Whether {@code condition} holds within {@code timeout}, asked {@code period} apart: returns at once
   * when it does, and false once the time is up, for a caller that judges a shortfall itself (e.g. by
   * asserting on what did arrive).
   */
  public static <E extends Exception> boolean within(Duration timeout, Duration period, Condition<E> condition)
      throws E {
    try {
      return look(timeout, period, condition::holds, Boolean::booleanValue, new ArrayList<>(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting", e);
    }
  }

  /**
   * The one loop behind every wait: looks with {@code probe}, {@code period} apart, until {@code done}
   * accepts a look (true) or {@code timeout} has passed (false); {@code last} then holds the last look.
   */
  private static <T, E extends Exception> boolean look(
      Duration timeout, Duration period, Probe<T, E> probe, Predicate<? super T> done, List<T> last)
      throws E, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T seen = probe.look();
      last.clear();
      last.add(seen);
      if (done.test(seen)) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      pause(period);
    }
  }

  private static void pause(Duration period) throws InterruptedException {
    if (!period.isZero()) {
      Thread.sleep(period.toMillis());
    }
  }
}

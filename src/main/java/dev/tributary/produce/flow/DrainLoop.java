package dev.tributary.produce.flow;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a piece of work on one thread at a time, as often as it was asked for, without a lock: a request
 * that arrives while a thread is in the work makes that thread go round once more, instead of waiting
 * or running beside it. The work must do everything there is to do each round (drain a queue, read what
 * has arrived), since requests that arrive during one round are answered by one more round, not one each.
 *
 * <p>This is the work-in-progress counter of reactive streams' drain loops. It serves the body's reading
 * (asked by the container's callbacks and by report writers resuming it), the reports' writing (asked by
 * Kafka's I/O thread and by the container) and a stream's worker (asked by the reading).
 *
 * <p>Public, as is {@link SerialExecutor}, because the body's reading, the reports' writing and the
 * stream use them from their own packages.
 */
public final class DrainLoop {

  private final Runnable round;
  private final AtomicInteger wip = new AtomicInteger();

  /** @param round one round of the work; it must not throw */
  public DrainLoop(Runnable round) {
    this.round = requireNonNull(round, "round");
  }

  /** Runs the work here, unless a thread is already in it: that thread goes round once more. */
  public void run() {
    if (wip.getAndIncrement() == 0) {
      loop();
    }
  }

  /** As {@link #run}, on {@code executor}: a burst of requests costs one hand-off, not one each. */
  public void runOn(Executor executor) {
    if (wip.getAndIncrement() == 0) {
      executor.execute(this::loop);
    }
  }

  /**
   * As {@link #runOn(Executor)}, and the thread that leaves the work then runs {@code after}, outside
   * it: requests that arrive while {@code after} runs start a round of their own.
   */
  public void runOn(Executor executor, Runnable after) {
    if (wip.getAndIncrement() == 0) {
      executor.execute(
          () -> {
            loop();
            after.run();
          });
    }
  }

  private void loop() {
    int missed = 1;
    do {
      round.run();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }
}

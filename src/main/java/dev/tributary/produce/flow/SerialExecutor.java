package dev.tributary.produce.flow;

import static java.util.Objects.requireNonNull;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: one stream's records are parsed and
 * sent in the order they were read, while many streams share the pool's threads. A burst of tasks costs
 * one hand-off to the pool, not one each.
 *
 * <p>Public because the stream's worker, in the package above, is one.
 */
public final class SerialExecutor implements Executor {

  private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final DrainLoop loop = new DrainLoop(this::runQueued);

  public SerialExecutor(Executor pool) {
    this.pool = requireNonNull(pool, "pool");
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    loop.runOn(pool);
  }

  private void runQueued() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "A stream task failed", e);
      }
    }
  }
}

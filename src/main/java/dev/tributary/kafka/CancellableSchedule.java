package dev.tributary.kafka;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One user's share of a shared scheduler: what it schedules runs on the shared threads, and {@link
 * #shutdownNow} cancels only its own tasks.
 *
 * <p>Why: Micrometer's Kafka binder refreshes its meters on a scheduler it is given, and on close it
 * neither shuts an external scheduler down nor cancels its refresh; the refresh would keep running for a
 * closed producer. Each binder gets one of these, and closing the binding cancels its refresh. No thread
 * is made per producer. {@link #runPeriodicNow} also runs the refresh on demand, so a scrape sees the
 * meters of a topic produced to a moment ago; runs never overlap.
 */
final class CancellableSchedule extends AbstractExecutorService implements ScheduledExecutorService {

  private final ScheduledExecutorService shared;
  private final Queue<ScheduledFuture<?>> tasks = new ConcurrentLinkedQueue<>();
  private final Queue<Runnable> periodic = new ConcurrentLinkedQueue<>();
  private volatile boolean shutdown;

  CancellableSchedule(ScheduledExecutorService shared) {
    this.shared = shared;
  }

  private <F extends ScheduledFuture<?>> F track(F future) {
    tasks.add(future);
    if (shutdown) {
      future.cancel(false);
    }
    return future;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return track(shared.schedule(command, delay, unit));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return track(shared.schedule(callable, delay, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return track(shared.scheduleAtFixedRate(periodic(command), initialDelay, period, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return track(shared.scheduleWithFixedDelay(periodic(command), initialDelay, delay, unit));
  }

  private Runnable periodic(Runnable command) {
    Runnable serialized =
        () -> {
          synchronized (this) {
            if (!shutdown) {
              command.run();
            }
          }
        };
    periodic.add(serialized);
    return serialized;
  }

  /** Runs every periodic task now, on the caller's thread. */
  void runPeriodicNow() {
    periodic.forEach(Runnable::run);
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    shutdownNow();
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    periodic.clear();
    ScheduledFuture<?> task;
    while ((task = tasks.poll()) != null) {
      task.cancel(false);
    }
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }
}

package dev.tributary.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler that runs nothing by itself: tasks run when a test moves its clock ({@link #advance}) or
 * asks ({@link #runDue}), on the test's thread. Its clock ({@link #nanoTime}) is what the code under
 * test reads as the time.
 */
public final class ManualTimer extends AbstractExecutorService implements ScheduledExecutorService {

  private final AtomicLong now = new AtomicLong();
  private final List<Task<?>> tasks = new ArrayList<>();
  private boolean shutdown;

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    final long due;

    Task(Callable<V> callable, long due) {
      super(callable);
      this.due = due;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - now.get(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  /** The clock, in nanoseconds. */
  public long nanoTime() {
    return now.get();
  }

  /** Moves the clock on by {@code millis} and runs every task due by then, in order of due time. */
  public void advance(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    runDue();
  }

  /** Runs the tasks due now, including those they schedule for now. */
  public void runDue() {
    while (true) {
      Task<?> next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(task -> task.due <= now.get())
                .min(Comparator.comparingLong(task -> task.due))
                .orElse(null);
        if (next == null) {
          return;
        }
        tasks.remove(next);
      }
      next.run();
    }
  }

  /** How many tasks wait (due or not). */
  public synchronized int pending() {
    return (int) tasks.stream().filter(task -> !task.isCancelled()).count();
  }

  private synchronized <V> Task<V> add(Callable<V> callable, long delay, TimeUnit unit) {
    Task<V> task = new Task<>(callable, now.get() + unit.toNanos(Math.max(0, delay)));
    tasks.add(task);
    return task;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(() -> {
      command.run();
      return null;
    }, delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(callable, delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(tasks);
    tasks.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && tasks.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }
}

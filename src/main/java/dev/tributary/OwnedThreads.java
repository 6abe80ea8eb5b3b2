package dev.tributary;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the web application's own threads and can wait until every one of them has ended.
 *
 * <p>An executor's {@code awaitTermination} returns while its last worker is still unwinding, and a
 * container checks for leftover threads the moment the application is destroyed; Tomcat then reports a
 * leak. Joining the threads themselves closes that gap.
 */
final class OwnedThreads implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  OwnedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable runnable) {
    Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
    thread.setDaemon(true);
    threads.removeIf(old -> !old.isAlive()); // a cached pool's threads come and go
    threads.add(thread);
    return thread;
  }

  /** Waits up to {@code timeout} in all for every thread made here to end; true if they all have. */
  boolean join(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
    return threads.stream().noneMatch(Thread::isAlive);
  }
}

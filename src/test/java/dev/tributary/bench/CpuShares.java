package dev.tributary.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a run's CPU time went, by the kind of thread that spent it: the benchmark's clients, the proxy's
 * own threads, Jetty's, the Kafka producer's I/O threads, the broker (every other live thread), and the
 * rest of the process's CPU time (the JVM's GC and compiler threads, which are not visible as threads,
 * and any thread other than a client's that ended between two snapshots). Says which part of the path a change made cheaper, where records/s alone moves with
 * scheduling on shared cores.
 */
final class CpuShares {

  /** The CPU time of client threads, which add their own before they end. */
  static final LongAdder CLIENT_NANOS = new LongAdder();

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String[] GROUPS = {"client", "proxy", "jetty", "producer I/O", "broker", "GC, JIT"};

  private final long process;
  private final long[] byGroup;

  private CpuShares(long process, long[] byGroup) {
    this.process = process;
    this.byGroup = byGroup;
  }

  /**
   * Client threads: named {@code bench-client}, each adds its CPU time to the clients' share as it ends
   * (the pools that run them are awaited before the next snapshot).
   */
  static ThreadFactory clientThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> new Thread(() -> {
      try {
        task.run();
      } finally {
        CLIENT_NANOS.add(THREADS.getCurrentThreadCpuTime());
      }
    }, "bench-client-" + count.incrementAndGet());
  }

  static CpuShares now() {
    long[] byGroup = new long[GROUPS.length];
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long nanos = THREADS.getThreadCpuTime(ids[i]);
      if (infos[i] == null || nanos < 0) {
        continue; // ended meanwhile
      }
      int group = group(infos[i].getThreadName());
      if (group >= 0) {
        byGroup[group] += nanos;
      }
      // Live client threads are skipped: they add their share as they end.
    }
    byGroup[0] += CLIENT_NANOS.sum();
    long process =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new CpuShares(process, byGroup);
  }

  /** Which group a live thread's time counts in; -1 for a client thread. */
  private static int group(String name) {
    if (name.startsWith("bench-client")) {
      return -1;
    } else if (name.endsWith(".main()")) { // exec:java's main thread: the raw producer's sender
      return 0;
    } else if (name.startsWith("tributary-")) {
      return 1;
    } else if (name.startsWith("qtp")) {
      return 2;
    } else if (name.startsWith("kafka-producer-network-thread")) {
      return 3;
    }
    return 4; // the broker's threads, and a few of the JVM's own
  }

  /**
   * Microseconds of CPU per record spent by each kind of thread between {@code before} and this; what
   * no live thread accounts for goes to the last group: the JVM's hidden threads (GC, JIT compilers), and
   * threads that ended in between.
   */
  Map<String, Double> perRecordSince(CpuShares before, long records) {
    Map<String, Double> shares = new LinkedHashMap<>();
    long named = 0;
    for (int g = 0; g < GROUPS.length - 1; g++) {
      long nanos = Math.max(0, byGroup[g] - before.byGroup[g]);
      named += nanos;
      shares.put(GROUPS[g], nanos / 1e3 / records);
    }
    shares.put(GROUPS[GROUPS.length - 1], Math.max(0, process - before.process - named) / 1e3 / records);
    return shares;
  }

  /** The whole process's CPU per record between {@code before} and this, in microseconds. */
  double totalPerRecordSince(CpuShares before, long records) {
    return (process - before.process) / 1e3 / records;
  }
}

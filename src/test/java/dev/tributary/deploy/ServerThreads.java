package dev.tributary.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The threads of a server's JVM, from {@code jcmd <pid> Thread.print}: what the deployment tests
 * inspect to prove that the WAR leaves nothing running, whatever the server.
 */
final class ServerThreads {

  /** One thread: its name and its stack, top frame first. */
  record Thread(String name, List<String> frames) {

    /** Whether the thread is running Tributary's code now. */
    boolean inTributary() {
      return frames.stream().anyMatch(frame -> frame.startsWith("dev.tributary."));
    }

    /**
     * Whether the thread belongs to the WAR: its own pools and timers ({@code tributary-}), the Kafka
     * clients' I/O threads ({@code kafka-}) and Jersey's ({@code jersey-}).
     */
    boolean ownedByTributary() {
      return name.startsWith("tributary-") || name.startsWith("kafka-") || name.startsWith("jersey-");
    }

    /** Whether it is a pool worker waiting for a task, which a pool may keep for a while. */
    boolean idleWorker() {
      return frames.stream().anyMatch(frame -> frame.startsWith("java.util.concurrent.ThreadPoolExecutor.getTask"))
          && !inTributary();
    }

    @Override
    public String toString() {
      return name + (frames.isEmpty() ? "" : " at " + String.join(" < ", frames.subList(0, Math.min(6, frames.size()))));
    }
  }

  private ServerThreads() {}

  /** Every thread of the JVM {@code pid}, as it is now. */
  static List<Thread> of(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
    String dump = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " Thread.print failed:\n" + dump);
    }
    return parse(dump);
  }

  /** Threads of a HotSpot thread dump: a quoted name starts each, {@code at} lines are its frames. */
  static List<Thread> parse(String dump) {
    List<Thread> threads = new ArrayList<>();
    String name = null;
    List<String> frames = new ArrayList<>();
    for (String line : dump.split("\n")) {
      if (line.startsWith("\"")) {
        if (name != null) {
          threads.add(new Thread(name, frames));
        }
        name = line.substring(1, line.indexOf('"', 1));
        frames = new ArrayList<>();
      } else if (name != null && line.trim().startsWith("at ")) {
        frames.add(line.trim().substring(3));
      }
    }
    if (name != null) {
      threads.add(new Thread(name, frames));
    }
    return threads;
  }
}

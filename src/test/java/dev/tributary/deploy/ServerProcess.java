package dev.tributary.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real application server in a child process, with its console output in a log file under {@code
 * target/}. Servers started by a script (WildFly, Payara, Open Liberty) run their JVM as a descendant of
 * that script; {@link #serverPid} finds it, and {@link #close} stops the whole tree.
 */
final class ServerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final Predicate<String> isServerJvm;
  private long serverPid = -1;

  private ServerProcess(Process process, Path log, Predicate<String> isServerJvm) {
    this.process = process;
    this.log = log;
    this.isServerJvm = isServerJvm;
  }

  /**
   * Runs {@code command} in {@code directory} with {@code environment} added (and {@code JAVA_HOME} set
   * to this JVM's, so a server's scripts run on the same Java as the tests).
   *
   * @param isServerJvm recognises the server JVM's command line among the process and its descendants
   */
  static ServerProcess start(
      String name, List<String> command, Path directory, Map<String, String> environment, Predicate<String> isServerJvm)
      throws IOException {
    Path log = logFile(name);
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(environment);
    return new ServerProcess(builder.start(), log, isServerJvm);
  }

  /** Where the console output of the server {@code name} goes. */
  static Path logFile(String name) throws IOException {
    Path log = Path.of("target", "deploy-logs", name + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    return log;
  }

  /** The server's console output so far. */
  String output() {
    return read(log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The pid of the server's own JVM (the launcher itself, or the descendant it started). */
  synchronized long serverPid() {
    if (serverPid < 0) {
      serverPid =
          Stream.concat(Stream.of(process.toHandle()), process.descendants())
              .filter(p -> isServerJvm.test(commandLine(p)))
              .map(ProcessHandle::pid)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("No server JVM among " + tree()));
    }
    return serverPid;
  }

  private List<String> tree() {
    List<String> lines = new ArrayList<>();
    Stream.concat(Stream.of(process.toHandle()), process.descendants())
        .forEach(p -> lines.add(p.pid() + " " + commandLine(p)));
    return lines;
  }

  private static String commandLine(ProcessHandle process) {
    try {
      // /proc has the whole command line (ProcessHandle.Info may truncate it). Read to the end: /proc
      // files report no size, which Files.readString trusts.
      try (java.io.InputStream in = Files.newInputStream(Path.of("/proc", String.valueOf(process.pid()), "cmdline"))) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
      }
    } catch (IOException e) {
      return process.info().commandLine().orElse("");
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(unreadable " + file + ": " + e + ")";
    }
  }

  static Path property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException("System property " + name + " is not set: run the deployment tests with `mvn verify`");
    }
    return Path.of(value);
  }

  /** Copies the directory {@code source}, with everything in it, to {@code target}. */
  static void copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
  }

  /** Deletes {@code directory} and everything in it, if it exists. */
  static void deleteTree(Path directory) throws IOException {
    if (Files.exists(directory)) {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Stops the server as an operator would (SIGTERM to every process in the tree), forcibly if it must. */
  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception notYet) {
        p.destroyForcibly();
      }
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.tributary.deploy;

import dev.tributary.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The built WAR deployed on one real application server, as its launcher left it: where it answers,
 * what the server logs, and how to take the WAR away again the server's own way.
 */
final class AppServer implements AutoCloseable {

  /**
   * The context path of the README's deployments. Some servers' suites deploy at the root context ({@link
   * #ROOT}) instead, so that each context is checked on several servers.
   */
  static final String CONTEXT_PATH = "/tributary";

  /** The root context's path, as {@code getContextPath()} names it. */
  static final String ROOT = "";

  /** Removes the deployed WAR the server's own way (e.g. deletes it from a watched directory). */
  @FunctionalInterface
  interface Undeployer {
    void undeploy() throws IOException;
  }

  private final String name;
  private final ServerProcess process;
  private final int port;
  private final String contextPath;
  private final List<Path> logFiles;
  private final Undeployer undeployer;

  AppServer(String name, ServerProcess process, int port, List<Path> logFiles, Undeployer undeployer) {
    this(name, process, port, CONTEXT_PATH, logFiles, undeployer);
  }

  /** @param contextPath {@link #CONTEXT_PATH}, {@link #ROOT} or another context path the WAR is deployed at */
  AppServer(String name, ServerProcess process, int port, String contextPath, List<Path> logFiles, Undeployer undeployer) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.contextPath = contextPath;
    this.logFiles = List.copyOf(logFiles);
    this.undeployer = undeployer;
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  /** The context path the WAR is deployed at: {@link #CONTEXT_PATH}, or {@link #ROOT} ({@code ""}). */
  String contextPath() {
    return contextPath;
  }

  /** {@code http://127.0.0.1:port}, the context path, then {@code path}. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + contextPath + path);
  }

  /** The path of {@code path} under the context path, as a request line names it. */
  String path(String path) {
    return contextPath + path;
  }

  /** The pid of the server's JVM. */
  long pid() {
    return process.serverPid();
  }

  /** Everything the server logged so far: its console, then its log files. */
  String log() {
    StringBuilder all = new StringBuilder(process.output());
    for (Path file : logFiles) {
      all.append('\n').append(ServerProcess.read(file));
    }
    return all.toString();
  }

  /**
   * Returns {@code server} once its WAR answers; stops it and fails, with the end of its log, if the WAR
   * does not answer within {@code timeout}.
   */
  static AppServer deployed(AppServer server, Duration timeout) throws InterruptedException {
    try {
      server.awaitDeployed(timeout);
      return server;
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  /** Waits until the WAR answers {@code GET /health/live}; fails with the server's log if it never does. */
  void awaitDeployed(Duration timeout) throws InterruptedException {
    awaitUntil(timeout, () -> status("/health/live") == 200, "the WAR to answer on " + uri("/health/live"));
  }

  /** Undeploys the WAR and waits until its context no longer answers. */
  void undeploy(Duration timeout) throws IOException, InterruptedException {
    undeployer.undeploy();
    awaitUntil(timeout, () -> status("/health/live") == 404, "the WAR to be undeployed");
  }

  /** Waits until {@code condition} holds; fails naming {@code what}, with the end of the server's log. */
  void awaitUntil(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
    try {
      Await.until(
          timeout,
          Duration.ofMillis(200),
          () -> {
            if (condition.getAsBoolean()) {
              return true;
            }
            if (!process.isAlive()) {
              throw new IllegalStateException(name + " exited while waiting for " + what + ":\n" + tail());
            }
            return false;
          },
          what);
    } catch (AssertionError e) {
      // Callers close the server on an interruption or a RuntimeException, not on an Error.
      if (Thread.interrupted()) {
        throw new InterruptedException(e.getMessage());
      }
      throw new IllegalStateException(name + ": " + e.getMessage() + ":\n" + tail(), e);
    }
  }

  /** The HTTP status of {@code GET path} under the context path, or -1 if nothing answers. */
  int status(String path) {
    try {
      return RawHttp.get("127.0.0.1", port, path(path)).status();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The last lines of the server's log, for failure messages. */
  String tail() {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  @Override
  public void close() {
    process.close();
  }

  /** Copies {@code war} into {@code directory} as {@code fileName}, the way an operator deploys it. */
  static void copyWar(Path directory, String fileName) throws IOException {
    Files.createDirectories(directory);
    Files.copy(
        ServerProcess.property("tributary.war"),
        directory.resolve(fileName),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}

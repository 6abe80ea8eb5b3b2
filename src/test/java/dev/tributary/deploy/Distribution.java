package dev.tributary.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built WAR on a real server distribution, outside the deployment tests: for the benchmark, which
 * measures requests as users send them, from another process. The servers are the deployment tests'
 * (their homes and the WAR named by the same system properties), without a rate limit in front.
 */
public final class Distribution implements AutoCloseable {

  private final AppServer server;

  private Distribution(AppServer server) {
    this.server = server;
  }

  /**
   * Starts {@code name} ({@code jetty} or {@code tomcat11}) on the cluster at {@code bootstrapServers},
   * with Tributary's {@code settings} as system properties and {@code jvmOptions} (a profiler's, say).
   */
  public static Distribution start(String name, String bootstrapServers, Map<String, String> settings, List<String> jvmOptions)
      throws Exception {
    List<String> options = new ArrayList<>(jvmOptions);
    settings.forEach((key, value) -> options.add("-Dtributary." + key + "=" + value));
    AppServer server =
        switch (name) {
          case "jetty" -> JettyServer.start("bench-jetty", bootstrapServers, options, List.of(), false);
          case "tomcat11" ->
              TomcatServer.start("bench-tomcat11", "tomcat11.home", bootstrapServers, options, false, AppServer.CONTEXT_PATH, false);
          default -> throw new IllegalArgumentException("no distribution " + name + ": jetty or tomcat11");
        };
    return new Distribution(server);
  }

  public int port() {
    return server.port();
  }

  /** {@code path} under the WAR's context path, as a request line names it. */
  public String path(String path) {
    return server.path(path);
  }

  /** The server JVM's pid. */
  public long pid() {
    return server.pid();
  }

  @Override
  public void close() {
    server.close();
  }
}

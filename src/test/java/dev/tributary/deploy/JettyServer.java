package dev.tributary.deploy;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Jetty 12.1 distribution ({@code jetty-home} from Maven Central) running a copy of this
 * repository's {@code jetty-base}, changed only as the README tells an operator to: {@code
 * webapps/tributary.properties} names the WAR and the context path, {@code tributary.jetty.jar=} where
 * the build wrote the guard against slow headers, and {@code TRIBUTARY_BOOTSTRAP_SERVERS} is in the
 * environment.
 */
final class JettyServer {

  private JettyServer() {}

  static AppServer start(String name, Environment env, List<String> jvmOptions) throws Exception {
    return start(name, env, jvmOptions, List.of());
  }

  /** As {@link #start(String, Environment, List)}, with {@code startArguments} for start.jar (modules). */
  static AppServer start(String name, Environment env, List<String> jvmOptions, List<String> startArguments)
      throws Exception {
    return start(name, env.broker().bootstrapServers(), jvmOptions, startArguments, true);
  }

  /**
   * As {@link #start(String, Environment, List, List)}, on the cluster at {@code bootstrapServers}; with
   * the base's DoSFilter limiting every client if {@code rateLimited}, or trusting the loopback
   * addresses ({@code ipWhitelist}, as the base's comment tells an operator to for a trusted producer).
   */
  static AppServer start(
      String name, String bootstrapServers, List<String> jvmOptions, List<String> startArguments, boolean rateLimited)
      throws Exception {
    Path base = Path.of("target", "deploy-" + name, "jetty-base").toAbsolutePath();
    ServerProcess.deleteTree(base);
    ServerProcess.copyTree(ServerProcess.property("jetty.base"), base);
    Files.writeString(
        base.resolve("webapps/tributary.properties"),
        "tributary.war=" + ServerProcess.property("tributary.war") + "\n"
            + "tributary.contextPath=" + AppServer.CONTEXT_PATH + "\n");
    if (!rateLimited) {
      Path overrides = base.resolve("etc/tributary-override-web.xml");
      String trusting =
          Files.readString(overrides)
              .replace(
                  "<param-name>ipWhitelist</param-name><param-value></param-value>",
                  "<param-name>ipWhitelist</param-name><param-value>127.0.0.0/8</param-value>");
      Files.writeString(overrides, trusting);
    }
    int port = Ports.freeBelowEphemeral();
    Path home = ServerProcess.property("jetty.home");
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            home.resolve("start.jar").toString(),
            "jetty.base=" + base,
            "jetty.http.port=" + port,
            "tributary.jetty.jar=" + ServerProcess.property("tributary.war").resolveSibling("tributary-jetty.jar"),
            // Hot undeployment, so a test can take the WAR away and inspect what is left running.
            "jetty.deploy.scanInterval=1"));
    command.addAll(startArguments);
    ServerProcess process =
        ServerProcess.start(
            name, command, base, Map.of("TRIBUTARY_BOOTSTRAP_SERVERS", bootstrapServers),
            commandLine -> commandLine.contains("start.jar"));
    AppServer server =
        new AppServer(
            name,
            process,
            port,
            List.of(),
            () -> {
              Files.delete(base.resolve("webapps/tributary.properties"));
              Files.delete(base.resolve("webapps/tributary.xml"));
            });
    return AppServer.deployed(server, Duration.ofSeconds(90));
  }

  static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

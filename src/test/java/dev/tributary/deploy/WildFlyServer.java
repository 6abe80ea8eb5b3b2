package dev.tributary.deploy;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * WildFly ({@code wildfly-dist} from Maven Central) with a server base directory of its own, run the
 * way the README tells an operator to: {@code bin/standalone.sh -Dtributary.bootstrap.servers=…}, the
 * WAR dropped into {@code deployments/}, and nothing else (the WAR's own {@code
 * jboss-deployment-structure.xml} keeps WildFly's RESTEasy and Jackson away from it). It is dropped in as
 * {@code ROOT.war}: the suite runs at the root context here, as users often serve an API.
 */
final class WildFlyServer {

  private WildFlyServer() {}

  static AppServer start(String name, Environment env) throws Exception {
    Path home = ServerProcess.property("wildfly.home");
    Path base = Path.of("target", "deploy-" + name, "standalone").toAbsolutePath();
    ServerProcess.deleteTree(base.getParent());
    Files.createDirectories(base.resolve("configuration"));
    try (Stream<Path> conf = Files.list(home.resolve("standalone/configuration"))) {
      for (Path file : (Iterable<Path>) conf::iterator) {
        if (Files.isRegularFile(file)) {
          Files.copy(file, base.resolve("configuration").resolve(file.getFileName()));
        }
      }
    }
    AppServer.copyWar(base.resolve("deployments"), "ROOT.war");
    int port = Ports.freeBelowEphemeral();
    ServerProcess process =
        ServerProcess.start(
            name,
            List.of(
                "bash",
                home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base,
                "-Djboss.http.port=" + port,
                "-Djboss.https.port=" + Ports.freeBelowEphemeral(),
                "-Djboss.management.http.port=" + Ports.freeBelowEphemeral(),
                "-Djboss.management.https.port=" + Ports.freeBelowEphemeral(),
                "-Dtributary.bootstrap.servers=" + env.broker().bootstrapServers()),
            home,
            Map.of(),
            commandLine -> commandLine.contains("jboss-modules.jar"));
    AppServer server =
        new AppServer(
            name,
            process,
            port,
            AppServer.ROOT,
            List.of(base.resolve("log/server.log")),
            () -> Files.delete(base.resolve("deployments/ROOT.war")));
    return AppServer.deployed(server, Duration.ofSeconds(120));
  }
}

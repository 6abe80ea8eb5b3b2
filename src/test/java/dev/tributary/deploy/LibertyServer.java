package dev.tributary.deploy;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Open Liberty ({@code io.openliberty:openliberty-runtime} from Maven Central) with a server of its own
 * under {@code WLP_USER_DIR}, configured the way the README tells an operator to: this repository's
 * {@code src/main/liberty/config/server.xml} (the features the WAR needs), {@code
 * TRIBUTARY_BOOTSTRAP_SERVERS} in the server's {@code server.env}, and the WAR dropped into {@code
 * dropins/}.
 */
final class LibertyServer {

  private LibertyServer() {}

  static AppServer start(String name, Environment env) throws Exception {
    Path home = ServerProcess.property("liberty.home");
    Path user = Path.of("target", "deploy-" + name, "usr").toAbsolutePath();
    Path server = user.resolve("servers/tributary");
    ServerProcess.deleteTree(user.getParent());
    Files.createDirectories(server);
    Files.copy(Path.of("src/main/liberty/config/server.xml"), server.resolve("server.xml"));
    int port = Ports.freeBelowEphemeral();
    Files.writeString(server.resolve("bootstrap.properties"), "http.port=" + port + "\n");
    Files.writeString(server.resolve("server.env"), "TRIBUTARY_BOOTSTRAP_SERVERS=" + env.broker().bootstrapServers() + "\n");
    AppServer.copyWar(server.resolve("dropins"), "tributary.war");
    ServerProcess process =
        ServerProcess.start(
            name,
            List.of("bash", home.resolve("bin/server").toString(), "run", "tributary"),
            home,
            Map.of("WLP_USER_DIR", user.toString()),
            commandLine -> commandLine.contains("ws-server.jar"));
    AppServer app =
        new AppServer(
            name,
            process,
            port,
            List.of(server.resolve("logs/messages.log")),
            () -> Files.delete(server.resolve("dropins/tributary.war")));
    return AppServer.deployed(app, Duration.ofSeconds(120));
  }
}

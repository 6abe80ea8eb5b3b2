package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The built WAR as {@code webapps/ROOT.war} in a real Tomcat (from Maven Central), configured the way
 * the README tells an operator to: {@code TRIBUTARY_BOOTSTRAP_SERVERS} in the environment, and Tomcat's
 * RateLimitFilter in {@code conf/web.xml}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TomcatDeployment {

  /** The RateLimitFilter as the README shows it, with a small bucket so a test can exhaust it. */
  static final String RATE_LIMIT_FILTER =
      "<filter>\n"
          + "  <filter-name>RateLimitFilter</filter-name>\n"
          + "  <filter-class>org.apache.catalina.filters.RateLimitFilter</filter-class>\n"
          + "  <async-supported>true</async-supported>\n"
          + "  <init-param><param-name>bucketDuration</param-name><param-value>60</param-value></init-param>\n"
          + "  <init-param><param-name>bucketRequests</param-name><param-value>20</param-value></init-param>\n"
          + "</filter>\n"
          + "<filter-mapping>\n"
          + "  <filter-name>RateLimitFilter</filter-name>\n"
          + "  <url-pattern>/*</url-pattern>\n"
          + "  <dispatcher>REQUEST</dispatcher>\n"
          + "</filter-mapping>\n";

  private final Environment env = Environment.get();
  private final ServerProcess tomcat;

  TomcatDeployment(String homeProperty, String name) throws Exception {
    Path home = ServerProcess.property(homeProperty);
    Path base = Path.of("target", "deploy-" + name).toAbsolutePath();
    int port = ServerProcess.freePort();
    prepareBase(home, base, port);
    tomcat =
        ServerProcess.start(
            name,
            List.of(
                JettyDistributionIT.javaCommand(),
                // As catalina.sh does: lets Tomcat's leak detection look inside the JDK on undeploy.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-cp",
                home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "-Dcatalina.home=" + home,
                "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "org.apache.catalina.startup.Bootstrap",
                "start"),
            base,
            Map.of("TRIBUTARY_BOOTSTRAP_SERVERS", env.broker().bootstrapServers()),
            port);
  }

  /** A CATALINA_BASE of its own: Tomcat's conf on a free port, the rate limit, and ROOT.war. */
  private static void prepareBase(Path home, Path base, int port) throws IOException {
    if (Files.exists(base)) {
      try (Stream<Path> files = Files.walk(base)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    for (String dir : List.of("conf", "logs", "temp", "work", "webapps")) {
      Files.createDirectories(base.resolve(dir));
    }
    try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
      for (Path file : (Iterable<Path>) conf::iterator) {
        if (Files.isRegularFile(file)) {
          Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
        }
      }
    }
    Path serverXml = base.resolve("conf/server.xml");
    Files.writeString(
        serverXml,
        Files.readString(serverXml)
            .replace("port=\"8080\"", "port=\"" + port + "\"")
            .replace("port=\"8005\"", "port=\"-1\""));
    Path webXml = base.resolve("conf/web.xml");
    String web = Files.readString(webXml);
    int end = web.lastIndexOf("</web-app>");
    Files.writeString(webXml, web.substring(0, end) + RATE_LIMIT_FILTER + web.substring(end));
    Files.copy(
        ServerProcess.property("tributary.war"),
        base.resolve("webapps/ROOT.war"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Stopping Tomcat undeploys the WAR; its leak detection must find nothing left behind. */
  @AfterAll
  void stopLeavesNoThreadsBehind() {
    tomcat.close();
    String log = tomcat.output();
    assertTrue(log.contains("Destroying ProtocolHandler"), "Tomcat did not stop cleanly:\n" + log);
    List<String> leaks =
        log.lines()
            .filter(line -> Stream.of("appears to have started a thread", "memory leak", "failed to stop it")
                .anyMatch(line::contains))
            .toList();
    assertEquals(List.of(), leaks, "Tomcat reports leaks on undeploy");
  }

  @Test
  void streamsRecordsEndToEnd() throws Exception {
    DeploymentChecks.streamsRecordsEndToEnd(env, "127.0.0.2", tomcat.port(), tomcat::output);
  }

  @Test
  void aBurstBeyondTheRateLimitFilterGets429WhileAnotherClientGets200() throws Exception {
    List<RawHttp.Reply> replies = DeploymentChecks.burst("127.0.0.3", tomcat.port(), 30);
    // Tomcat rounds the bucket's duration to a power of two and scales the count with it (20 per 60 s
    // becomes 22 per 64 s), so: at least the configured 20 pass, then every further request is refused.
    int firstRefused = 0;
    while (firstRefused < replies.size() && replies.get(firstRefused).status() == 200) {
      firstRefused++;
    }
    assertTrue(firstRefused >= 20 && firstRefused < 25, "refusals began after " + firstRefused + " requests");
    for (RawHttp.Reply refused : replies.subList(firstRefused, replies.size())) {
      assertEquals(429, refused.status(), refused.text());
    }
    RawHttp.Reply other = RawHttp.get("127.0.0.4", tomcat.port(), "/v3/clusters");
    assertEquals(200, other.status(), other.text());
  }
}

package dev.tributary.deploy;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Tomcat (from Maven Central) with a {@code CATALINA_BASE} of its own, configured the way the
 * README tells an operator to: the WAR as {@code webapps/tributary.war} ({@code webapps/ROOT.war} at the
 * root context), {@code bootstrap.servers} as a context {@code <Parameter>} in {@code
 * conf/Catalina/localhost/tributary.xml} ({@code ROOT.xml}), and Tomcat's RateLimitFilter in {@code
 * conf/web.xml}.
 */
final class TomcatServer {

  /** The RateLimitFilter exactly as the README shows it. */
  static final String RATE_LIMIT_FILTER =
      "<filter>\n"
          + "  <filter-name>RateLimitFilter</filter-name>\n"
          + "  <filter-class>org.apache.catalina.filters.RateLimitFilter</filter-class>\n"
          + "  <async-supported>true</async-supported>\n"
          + "  <init-param><param-name>bucketDuration</param-name><param-value>60</param-value></init-param>\n"
          + "  <init-param><param-name>bucketRequests</param-name><param-value>300</param-value></init-param>\n"
          + "</filter>\n"
          + "<filter-mapping>\n"
          + "  <filter-name>RateLimitFilter</filter-name>\n"
          + "  <url-pattern>/kafka/*</url-pattern>\n"
          + "  <url-pattern>/v3/*</url-pattern>\n"
          + "  <dispatcher>REQUEST</dispatcher>\n"
          + "</filter-mapping>\n";

  private TomcatServer() {}

  /**
   * The README's RemoteIpValve, trusting one proxy: 127.0.0.5 (a test connects from there to act as it).
   */
  static final String REMOTE_IP_VALVE =
      "<Valve className=\"org.apache.catalina.valves.RemoteIpValve\" internalProxies=\"127\\.0\\.0\\.5\"\n"
          + "       remoteIpHeader=\"X-Forwarded-For\" protocolHeader=\"X-Forwarded-Proto\"\n"
          + "       hostHeader=\"X-Forwarded-Host\" portHeader=\"X-Forwarded-Port\"/>\n";

  /** The README's HTTP/2 for the HTTP connector: h2c, by prior knowledge or upgrade. */
  static final String HTTP2 = "<UpgradeProtocol className=\"org.apache.coyote.http2.Http2Protocol\"/>";

  static AppServer start(String name, String homeProperty, Environment env) throws Exception {
    return start(name, homeProperty, env, false, AppServer.CONTEXT_PATH);
  }

  /**
   * As {@link #start(String, String, Environment)}, set up as the README's production example if {@code
   * behindProxy} ({@link #REMOTE_IP_VALVE} and {@link #HTTP2}), at {@code contextPath} ({@link
   * AppServer#CONTEXT_PATH} or {@link AppServer#ROOT}).
   */
  static AppServer start(String name, String homeProperty, Environment env, boolean behindProxy, String contextPath)
      throws Exception {
    return start(name, homeProperty, env.broker().bootstrapServers(), List.of(), behindProxy, contextPath, true);
  }

  /**
   * As {@link #start(String, String, Environment, boolean, String)}, on the cluster at {@code
   * bootstrapServers}, with {@code jvmOptions} for Tomcat's JVM, and the RateLimitFilter only if {@code
   * rateLimited}.
   */
  static AppServer start(
      String name,
      String homeProperty,
      String bootstrapServers,
      List<String> jvmOptions,
      boolean behindProxy,
      String contextPath,
      boolean rateLimited)
      throws Exception {
    Path home = ServerProcess.property(homeProperty);
    Path base = Path.of("target", "deploy-" + name).toAbsolutePath();
    int port = Ports.freeBelowEphemeral();
    String app = contextPath.isEmpty() ? "ROOT" : contextPath.substring(1);
    prepareBase(home, base, port, bootstrapServers, behindProxy, app, rateLimited);
    List<String> command = new java.util.ArrayList<>();
    command.add(JettyServer.javaCommand());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
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
            "start"));
    ServerProcess process =
        ServerProcess.start(
            name,
            command,
            base,
            Map.of(),
            commandLine -> commandLine.contains("org.apache.catalina.startup.Bootstrap"));
    AppServer server =
        new AppServer(
            name, process, port, contextPath, List.of(), () -> Files.delete(base.resolve("webapps/" + app + ".war")));
    return AppServer.deployed(server, Duration.ofSeconds(90));
  }

  /** A CATALINA_BASE of its own: Tomcat's conf on a free port, the rate limit, the context file, the WAR. */
  private static void prepareBase(
      Path home, Path base, int port, String bootstrapServers, boolean behindProxy, String app, boolean rateLimited)
      throws IOException {
    ServerProcess.deleteTree(base);
    for (String dir : List.of("conf/Catalina/localhost", "logs", "temp", "work", "webapps")) {
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
            .replace("port=\"8005\"", "port=\"-1\"")
            .replace("</Host>", behindProxy ? REMOTE_IP_VALVE + "</Host>" : "</Host>")
            .replaceFirst(
                "(<Connector port=\"" + port + "\" protocol=\"HTTP/1.1\"[^>]*?)\\s*/>",
                behindProxy ? "$1>\n      " + HTTP2 + "\n    </Connector>" : "$1/>"));
    Path webXml = base.resolve("conf/web.xml");
    String web = Files.readString(webXml);
    int end = web.lastIndexOf("</web-app>");
    Files.writeString(webXml, web.substring(0, end) + (rateLimited ? RATE_LIMIT_FILTER : "") + web.substring(end));
    Files.writeString(
        base.resolve("conf/Catalina/localhost/" + app + ".xml"),
        "<Context>\n  <Parameter name=\"bootstrap.servers\" value=\"" + bootstrapServers
            + "\" override=\"false\"/>\n</Context>\n");
    AppServer.copyWar(base.resolve("webapps"), app + ".war");
  }
}

package dev.tributary.deploy;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Payara Server ({@code fish.payara.distributions:payara} from Maven Central) with a copy of its
 * {@code domain1}, configured the way the README tells an operator to: {@code bootstrap.servers} as a
 * server system property (what {@code asadmin create-system-properties} writes into {@code domain.xml}),
 * one line per log record in {@code server.log}, Payara's MicroProfile endpoints on the admin virtual
 * server (what the README's three {@code asadmin set-…-configuration --virtualservers=__asadmin} write),
 * and the WAR deployed at the root context with {@code asadmin deploy --contextroot / --name tributary}.
 * The WAR's own {@code glassfish-web.xml} makes its Jersey and Jackson win over Payara's.
 */
final class PayaraServer {

  private PayaraServer() {}

  static AppServer start(String name, Environment env) throws Exception {
    Path home = ServerProcess.property("payara.home");
    Path domains = Path.of("target", "deploy-" + name, "domains").toAbsolutePath();
    Path domain = domains.resolve("domain1");
    ServerProcess.deleteTree(domains.getParent());
    ServerProcess.copyTree(home.resolve("glassfish/domains/domain1"), domain);
    int port = Ports.freeBelowEphemeral();
    int adminPort = Ports.freeBelowEphemeral();
    configure(domain.resolve("config/domain.xml"), port, adminPort, env);
    // The README's one-line log records: what asadmin set-log-attributes writes into logging.properties.
    Path logging = domain.resolve("config/logging.properties");
    Files.writeString(
        logging,
        Files.readString(logging)
            .replace(
                "com.sun.enterprise.server.logging.GFFileHandler.multiLineMode=true",
                "com.sun.enterprise.server.logging.GFFileHandler.multiLineMode=false"));
    ServerProcess process =
        ServerProcess.start(
            name,
            List.of(
                "bash", home.resolve("bin/asadmin").toString(), "start-domain", "--verbose", "--domaindir",
                domains.toString(), "domain1"),
            home,
            Map.of(),
            commandLine -> commandLine.contains("ASMain"));
    AppServer server =
        new AppServer(
            name,
            process,
            port,
            AppServer.ROOT,
            List.of(domain.resolve("logs/server.log")),
            () -> asadmin(home, adminPort, "undeploy", "tributary"));
    try {
      server.awaitUntil(Duration.ofSeconds(180), () -> listening(adminPort), "the admin port " + adminPort);
      asadmin(home, adminPort, "deploy", "--contextroot", "/", "--name", "tributary",
          ServerProcess.property("tributary.war").toString());
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return AppServer.deployed(server, Duration.ofSeconds(180));
  }

  /** Runs {@code asadmin --port adminPort arguments…}; fails with its output unless it succeeds. */
  private static void asadmin(Path home, int adminPort, String... arguments) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(List.of("bash", home.resolve("bin/asadmin").toString(), "--port", String.valueOf(adminPort)));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException("asadmin " + String.join(" ", arguments) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("asadmin " + arguments[0]);
    }
  }

  private static boolean listening(int port) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Free ports for every listener of the server's configuration, the system property, and the
   * MicroProfile endpoints on the admin virtual server.
   */
  private static void configure(Path domainXml, int httpPort, int adminPort, Environment env) throws IOException {
    String xml = Files.readString(domainXml);
    int start = xml.indexOf("<config name=\"server-config\">");
    int end = xml.indexOf("</config>", start);
    String config = xml.substring(start, end);
    config = config.replace("port=\"8080\"", "port=\"" + httpPort + "\"");
    config = config.replace("port=\"4848\"", "port=\"" + adminPort + "\"");
    String metrics = "<microprofile-metrics-configuration></microprofile-metrics-configuration>";
    if (!config.contains(metrics)) {
      throw new IllegalStateException("domain.xml has no " + metrics);
    }
    config =
        config.replace(
            metrics,
            "<microprofile-metrics-configuration virtual-servers=\"__asadmin\"></microprofile-metrics-configuration>\n"
                + "      <microprofile-healthcheck-configuration virtual-servers=\"__asadmin\"></microprofile-healthcheck-configuration>\n"
                + "      <microprofile-openapi-configuration virtual-servers=\"__asadmin\"></microprofile-openapi-configuration>");
    for (String fixed : List.of("8181", "3700", "3820", "3920", "8686")) {
      config = config.replace("port=\"" + fixed + "\"", "port=\"" + Ports.freeBelowEphemeral() + "\"");
    }
    config = config.replace("value=\"7676\"", "value=\"" + Ports.freeBelowEphemeral() + "\"");
    String property =
        "<system-property name=\"tributary.bootstrap.servers\" value=\"" + env.broker().bootstrapServers() + "\"/>";
    xml =
        (xml.substring(0, start) + config + xml.substring(end))
            .replace("<server name=\"server\" config-ref=\"server-config\">",
                "<server name=\"server\" config-ref=\"server-config\">\n            " + property);
    Files.writeString(domainXml, xml);
  }
}

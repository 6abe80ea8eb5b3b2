package dev.tributary.deploy;

import dev.tributary.testing.Environment;
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
 * one line per log record in {@code server.log}, and the WAR dropped into the domain's {@code autodeploy/} directory. The WAR's own {@code
 * glassfish-web.xml} makes its Jersey and Jackson win over Payara's.
 */
final class PayaraServer {

  private PayaraServer() {}

  static AppServer start(String name, Environment env) throws Exception {
    Path home = ServerProcess.property("payara.home");
    Path domains = Path.of("target", "deploy-" + name, "domains").toAbsolutePath();
    Path domain = domains.resolve("domain1");
    ServerProcess.deleteTree(domains.getParent());
    ServerProcess.copyTree(home.resolve("glassfish/domains/domain1"), domain);
    int port = ServerProcess.freePort();
    configure(domain.resolve("config/domain.xml"), port, env);
    // The README's one-line log records: what asadmin set-log-attributes writes into logging.properties.
    Path logging = domain.resolve("config/logging.properties");
    Files.writeString(
        logging,
        Files.readString(logging)
            .replace(
                "com.sun.enterprise.server.logging.GFFileHandler.multiLineMode=true",
                "com.sun.enterprise.server.logging.GFFileHandler.multiLineMode=false"));
    AppServer.copyWar(domain.resolve("autodeploy"), "tributary.war");
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
            List.of(domain.resolve("logs/server.log")),
            () -> Files.delete(domain.resolve("autodeploy/tributary.war")));
    return AppServer.deployed(server, Duration.ofSeconds(180));
  }

  /** Free ports for every listener of the server's configuration, and the system property. */
  private static void configure(Path domainXml, int httpPort, Environment env) throws IOException {
    String xml = Files.readString(domainXml);
    int start = xml.indexOf("<config name=\"server-config\">");
    int end = xml.indexOf("</config>", start);
    String config = xml.substring(start, end);
    config = config.replace("port=\"8080\"", "port=\"" + httpPort + "\"");
    for (String fixed : List.of("8181", "4848", "3700", "3820", "3920", "8686")) {
      config = config.replace("port=\"" + fixed + "\"", "port=\"" + ServerProcess.freePort() + "\"");
    }
    config = config.replace("value=\"7676\"", "value=\"" + ServerProcess.freePort() + "\"");
    String property =
        "<system-property name=\"tributary.bootstrap.servers\" value=\"" + env.broker().bootstrapServers() + "\"/>";
    xml =
        (xml.substring(0, start) + config + xml.substring(end))
            .replace("<server name=\"server\" config-ref=\"server-config\">",
                "<server name=\"server\" config-ref=\"server-config\">\n            " + property);
    Files.writeString(domainXml, xml);
  }
}

package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.H2Client;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Tomcat 11 (Jakarta EE 11): the same WAR, unchanged, set up as the README's production example: behind
 * a reverse proxy (RemoteIpValve trusting the proxy's address, 127.0.0.5 here) and with HTTP/2, at the root
 * context ({@code webapps/ROOT.war}, as users serve an API).
 */
class Tomcat11IT extends TomcatIT {

  @Override
  protected AppServer startServer(Environment env) throws Exception {
    return TomcatServer.start("tomcat-11", "tomcat11.home", env, true, AppServer.ROOT);
  }

  /** Through the trusted proxy, self links name what the client reached; from anyone else, they do not. */
  @Test
  @Order(520)
  void selfLinksFollowTheTrustedProxysForwardingHeaders() throws Exception {
    String[] forwarded = {
      "Host: 10.0.0.7:8080", "X-Forwarded-For: 192.0.2.60", "X-Forwarded-Proto: https",
      "X-Forwarded-Host: kafka.example.com"
    };
    RawHttp.Reply proxied = RawHttp.get("127.0.0.5", server.port(), server.path("/v3/clusters"), forwarded);
    assertEquals(200, proxied.status(), proxied.text());
    assertTrue(
        proxied.text().contains("{\"self\":\"https://kafka.example.com" + server.contextPath() + "/v3/clusters\","),
        proxied.text());
    RawHttp.Reply direct = RawHttp.get("127.0.0.6", server.port(), server.path("/v3/clusters"), forwarded);
    assertTrue(
        direct.text().contains("{\"self\":\"http://127.0.0.1:" + server.port() + server.contextPath() + "/v3/clusters\","),
        direct.text());
  }

  /** With the README's Http2Protocol: h2c by prior knowledge, a produce request full duplex. */
  @Test
  @Order(530)
  void overH2cEachReportArrivesBeforeTheNextRecordIsSent() throws Exception {
    try (H2Client h2c = H2Client.h2c("127.0.0.1", server.port())) {
      produceFullDuplex(h2c, 5);
    }
  }
}

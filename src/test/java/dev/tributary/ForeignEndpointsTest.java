package dev.tributary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.servlet.http.HttpServlet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/**
 * A server that adds servlets of its own at the WAR's paths (Payara's MicroProfile endpoints, at the root
 * context) fails the deployment with what to do, rather than with a ClassCastException or by answering
 * {@code /metrics} in Tributary's place.
 */
class ForeignEndpointsTest {

  @Test
  void payarasMicroProfileServletsFailTheDeploymentNamingTheSettings() throws Exception {
    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class,
            () -> deploy(Map.of("microprofile-metrics-resource", "/metrics/*", "jsp", "*.jsp")));
    assertEquals(
        "The server added servlets of its own to this context at paths Tributary serves:"
            + " microprofile-metrics-resource (/metrics/*). They would answer in Tributary's place. Payara adds its"
            + " MicroProfile endpoints to the application at the root context; move them to the admin virtual"
            + " server and deploy again: asadmin set-openapi-configuration --virtualservers=__asadmin; asadmin"
            + " set-metrics-configuration --virtualservers=__asadmin; asadmin"
            + " set-microprofile-healthcheck-configuration --virtualservers=__asadmin (or deploy at a context path"
            + " of its own, e.g. --contextroot /tributary).",
        failure.getMessage());
  }

  @Test
  void anyOtherServletAtTheWarsPathsFailsTheDeploymentToo() {
    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> deploy(Map.of("status", "/health/status")));
    assertEquals(
        "The server added servlets of its own to this context at paths Tributary serves: status (/health/status)."
            + " They would answer in Tributary's place. Deploy Tributary at a context path of its own, or remove"
            + " those servlets.",
        failure.getMessage());
  }

  @Test
  void servletsElsewhereAreLeftAlone() throws Exception {
    deploy(Map.of("jsp", "*.jsp", "static", "/static/*", "metricsish", "/metricsish"));
  }

  /** Starts the WAR's listener in a context that holds {@code servlets} (name to mapping), then stops it. */
  private static void deploy(Map<String, String> servlets) throws Exception {
    Server server = new Server(0);
    ServletContextHandler context = new ServletContextHandler("/");
    servlets.forEach((name, mapping) -> context.addServlet(new ServletHolder(name, new HttpServlet() {}), mapping));
    context.setInitParameter("bootstrap.servers", "127.0.0.1:1");
    context.addEventListener(new TributaryApplication());
    server.setHandler(context);
    try {
      server.start(); // a listener's failure fails the start
    } finally {
      server.stop();
    }
  }
}

package dev.tributary;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fails the deployment, with what to do, when the server has put servlets of its own into this WAR's
 * context at paths the WAR serves: they would answer in the WAR's place, or break its start.
 *
 * <p>Payara does this at the root context: its MicroProfile OpenAPI, Metrics and Health services add
 * servlets ({@code microprofile-openapi-servlet} at {@code /openapi/*}, {@code
 * microprofile-metrics-resource} at {@code /metrics/*}, {@code microprofile-healthcheck-servlet} at
 * {@code /health/*}) to whatever application is deployed at {@code /}. Their Jersey, built from Payara's
 * classes, cannot use the WAR's, and the deployment used to fail with a {@code ClassCastException} naming
 * neither the cause nor the cure; were it to start, {@code /metrics} and {@code /health} would be
 * Payara's. The cure is Payara's own setting: serve those endpoints on the admin virtual server.
 */
final class ForeignEndpoints {

  /** The paths the WAR's own servlet answers (besides the API's {@code /kafka/v3} and {@code /v3}). */
  private static final List<String> OURS = List.of("/health", "/metrics", "/openapi", "/kafka", "/v3");

  private ForeignEndpoints() {}

  /** Throws, saying which servlets and what to do, if the server added servlets at the WAR's paths. */
  static void check(ServletContext context) {
    List<String> foreign = new ArrayList<>();
    boolean payara = false;
    for (Map.Entry<String, ? extends ServletRegistration> servlet : context.getServletRegistrations().entrySet()) {
      for (String mapping : servlet.getValue().getMappings()) {
        if (claimsOurs(mapping)) {
          foreign.add(servlet.getKey() + " (" + mapping + ")");
          payara |= servlet.getKey().startsWith("microprofile-");
        }
      }
    }
    if (foreign.isEmpty()) {
      return;
    }
    String message =
        "The server added servlets of its own to this context at paths Tributary serves: "
            + String.join(", ", foreign) + ". They would answer in Tributary's place.";
    if (payara) {
      message +=
          " Payara adds its MicroProfile endpoints to the application at the root context; move them to the"
              + " admin virtual server and deploy again: asadmin set-openapi-configuration"
              + " --virtualservers=__asadmin; asadmin set-metrics-configuration --virtualservers=__asadmin;"
              + " asadmin set-microprofile-healthcheck-configuration --virtualservers=__asadmin"
              + " (or deploy at a context path of its own, e.g. --contextroot /tributary).";
    } else {
      message += " Deploy Tributary at a context path of its own, or remove those servlets.";
    }
    throw new IllegalStateException(message);
  }

  /** Whether a servlet mapping takes requests for one of {@link #OURS}. */
  private static boolean claimsOurs(String mapping) {
    for (String path : OURS) {
      if (mapping.equals(path) || mapping.startsWith(path + "/") || mapping.startsWith(path + ".")) {
        return true;
      }
    }
    return false;
  }
}

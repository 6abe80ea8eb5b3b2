package dev.tributary.testing;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The WAR's own web root ({@code webapp/}, with its {@code WEB-INF/web.xml}) deployed at {@code /} in an
 * embedded Jetty, with this JVM's classpath standing in for {@code WEB-INF/classes} and {@code lib}.
 */
public final class TributaryServer implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;

  private TributaryServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts on {@code port} (0 for any free port) with {@code initParameters} as the context's
   * init-parameters, e.g. {@code bootstrap.servers}.
   *
   * @throws Exception if the deployment fails, e.g. on a bad configuration value
   */
  public static TributaryServer start(int port, Map<String, String> initParameters) throws Exception {
    return start(port, initParameters, 30_000);
  }

  /** As {@link #start(int, Map)}, closing connections idle for {@code idleTimeoutMillis}. */
  public static TributaryServer start(int port, Map<String, String> initParameters, long idleTimeoutMillis)
      throws Exception {
    return start(port, initParameters, idleTimeoutMillis, new HttpConfiguration());
  }

  /**
   * As {@link #start(int, Map)}, with Jetty's {@code ForwardedRequestCustomizer} and Tributary's marker
   * after it (what the jetty-base's {@code tributary-forwarded} module adds): the server trusts {@code
   * Forwarded} and {@code X-Forwarded-*} headers.
   */
  public static TributaryServer startBehindAProxy(Map<String, String> initParameters) throws Exception {
    HttpConfiguration http = new HttpConfiguration();
    http.addCustomizer(new ForwardedRequestCustomizer());
    http.addCustomizer(new dev.tributary.jetty.ForwardedMarker());
    return start(0, initParameters, 30_000, http);
  }

  /**
   * As {@link #start(int, Map)}, with each request handled in an OpenTelemetry context of its own, as the
   * OpenTelemetry Java agent handles it in its server span: its {@code X-Test-Span} header under {@link
   * ProducerSpans#SPAN} is current while Jetty handles the request (but not in the container's later
   * callbacks, as with the agent).
   */
  public static TributaryServer startInSpans(Map<String, String> initParameters) throws Exception {
    return start(0, initParameters, 30_000, new HttpConfiguration(), true);
  }

  private static TributaryServer start(
      int port, Map<String, String> initParameters, long idleTimeoutMillis, HttpConfiguration http) throws Exception {
    return start(port, initParameters, idleTimeoutMillis, http, false);
  }

  private static TributaryServer start(
      int port, Map<String, String> initParameters, long idleTimeoutMillis, HttpConfiguration http, boolean inSpans)
      throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setIdleTimeout(idleTimeoutMillis);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);

    WebAppContext webapp = new WebAppContext();
    webapp.setContextPath("/");
    webapp.setBaseResourceAsPath(Path.of("webapp").toAbsolutePath());
    webapp.setDescriptor(Path.of("webapp", "WEB-INF", "web.xml").toAbsolutePath().toString());
    webapp.setParentLoaderPriority(true);
    webapp.setThrowUnavailableOnStartupException(true);
    initParameters.forEach(webapp::setInitParameter);
    server.setHandler(inSpans ? ProducerSpans.handledInSpans(webapp) : webapp);
    server.setStopAtShutdown(true);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return new TributaryServer(server, connector);
  }

  /**
   * Waits until the deployment says it is ready ({@code GET /health/ready} answers 200), asking every 50
   * ms; fails if it is not within {@code timeout}.
   */
  public void awaitReady(Duration timeout) {
    Await.until(
        timeout,
        Duration.ofMillis(50),
        () -> Http.get(uri("/health/ready")).status() == 200,
        "the deployment on port " + port() + " to be ready");
  }

  /**
   * Undeploys the application, as a container does on undeploy or at its stop: the context stops
   * (servlet destroyed, then the listener's {@code contextDestroyed}) while the server goes on holding its
   * connections.
   */
  public void undeploy() throws Exception {
    server.getHandler().stop();
  }

  /** Connections the server holds open now. */
  public int openConnections() {
    return connector.getConnectedEndPoints().size();
  }

  public int port() {
    return connector.getLocalPort();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}

package dev.tributary;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Jersey's servlet, given a response on which status and header changes made once it is committed are
 * dropped, as the Servlet specification says they have no effect.
 *
 * <p>Why: a produce stream commits its response (200, then reports) itself, and ends by resuming the
 * suspended {@code AsyncResponse}, so that Jersey completes the exchange it started (see {@code
 * produce.Exchange}). Jersey then sets the status again before it completes. The servers ignore that, and
 * Open Liberty also logs a warning ({@code SRVE8115W}) for every stream.
 */
final class JerseyServlet extends ServletContainer {

  private final Runnable beforeDestroy;

  /** @param beforeDestroy runs when the container takes the servlet out of service, before Jersey stops */
  JerseyServlet(ResourceConfig application, Runnable beforeDestroy) {
    super(application);
    this.beforeDestroy = beforeDestroy;
  }

  /**
   * The application stops: its streams end first, while the container still serves their connections
   * and Jersey can still complete their exchanges (see {@code produce.StreamOpener#stop}).
   */
  @Override
  public void destroy() {
    beforeDestroy.run();
    super.destroy();
  }

  /**
   * Every response of the WAR says {@code X-Content-Type-Options: nosniff}: a browser must not take a
   * report stream or an error body for HTML.
   */
  @Override
  public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
    HttpServletResponse http = (HttpServletResponse) response;
    http.setHeader("X-Content-Type-Options", "nosniff");
    super.service(request, new Settled(http));
  }

  /** A response that takes no status or header change once it is committed. */
  private static final class Settled extends HttpServletResponseWrapper {

    Settled(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void setStatus(int status) {
      if (!isCommitted()) {
        super.setStatus(status);
      }
    }

    @Override
    public void setHeader(String name, String value) {
      if (!isCommitted()) {
        super.setHeader(name, value);
      }
    }

    @Override
    public void addHeader(String name, String value) {
      if (!isCommitted()) {
        super.addHeader(name, value);
      }
    }

    @Override
    public void setContentType(String type) {
      if (!isCommitted()) {
        super.setContentType(type);
      }
    }

    @Override
    public void setContentLength(int length) {
      if (!isCommitted()) {
        super.setContentLength(length);
      }
    }

    @Override
    public void setContentLengthLong(long length) {
      if (!isCommitted()) {
        super.setContentLengthLong(length);
      }
    }
  }
}

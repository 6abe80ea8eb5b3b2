package dev.tributary.undertow;

import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import jakarta.servlet.ServletContext;

/**
 * On WildFly (Undertow), lifts Undertow's limit on a request body's size for this WAR's requests: a
 * produce stream may carry gigabytes over hours, and Tributary bounds what it holds itself (each record,
 * its window of records in flight).
 *
 * <p>Why: WildFly's HTTP listener has {@code max-post-size}, 10 MB by default. Undertow counts a chunked
 * body as it arrives and, past the limit, fails the read and closes the connection: a stream was cut
 * after about 10 MB with most of its records unanswered. The limit is the exchange's, and Undertow reads
 * it when the body's first bytes arrive, so setting it before the servlet runs (as this handler does, in
 * front of the deployment's handlers) lifts it for chunked bodies. A body sent with a {@code
 * Content-Length} over the listener's limit is refused by Undertow while it parses the headers, before
 * any of the deployment's code runs: for those, the README's WildFly section gives the listener setting.
 *
 * <p>Undertow finds this class through {@code META-INF/services/io.undertow.servlet.ServletExtension}
 * in the deployment; WildFly gives every deployment Undertow's modules. Other servers never load it.
 */
public final class UnlimitedStreams implements ServletExtension {

  @Override
  public void handleDeployment(DeploymentInfo deployment, ServletContext context) {
    deployment.addInitialHandlerChainWrapper(new Unlimited());
  }

  /** Wraps the deployment's first handler: the limit is lifted before anything reads the body. */
  private static final class Unlimited implements HandlerWrapper {
    @Override
    public HttpHandler wrap(HttpHandler next) {
      return exchange -> {
        lift(exchange);
        next.handleRequest(exchange);
      };
    }

    private static void lift(HttpServerExchange exchange) {
      if (exchange.isRequestChannelAvailable()) {
        exchange.setMaxEntitySize(0); // 0: no limit
      }
    }
  }
}

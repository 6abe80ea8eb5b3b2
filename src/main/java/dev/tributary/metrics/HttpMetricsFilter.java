package dev.tributary.metrics;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts and times every HTTP request the WAR answers, by method, route, status and outcome: {@code
 * http_server_requests_seconds} (Micrometer's name). Registered first in the WAR's filter chain, so a
 * request refused before it reaches Tributary's servlet (a rate-limit filter of the server's own, if it
 * is applied after the WAR's filters) is counted too. A request that goes asynchronous (a produce
 * stream) is counted when its exchange completes, with its whole duration.
 *
 * <p>The route is the operation's path template, never the path itself ({@code
 * /kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records}), and {@code NOT_FOUND} for a path that
 * names none, so no client can grow the number of series.
 */
public final class HttpMetricsFilter implements Filter {

  /** The API's paths, under /kafka/v3 or /v3: the clusters, a cluster, a topic's records. */
  private static final Pattern API = Pattern.compile("(/kafka)?/v3/clusters(/[^/]+(/topics/[^/]+/records)?)?/*");

  /** The operators' paths, each its own route. */
  private static final Pattern OPERATIONS = Pattern.compile("(/health/live|/health/ready|/metrics|/openapi\\.yaml)/*");

  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private final ProxyMetrics metrics;

  public HttpMetricsFilter(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  /** The route template of {@code path} (the path under the context path), or {@code NOT_FOUND}. */
  static String routeOf(String path) {
    Matcher api = API.matcher(path);
    if (api.matches()) {
      return (api.group(1) == null ? "/v3" : "/kafka/v3") + "/clusters"
          + (api.group(2) == null ? "" : "/{cluster_id}")
          + (api.group(3) == null ? "" : "/topics/{topic_name}/records");
    }
    Matcher operation = OPERATIONS.matcher(path);
    return operation.matches() ? operation.group(1) : "NOT_FOUND";
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    HttpServletResponse answer = (HttpServletResponse) response;
    long start = System.nanoTime();
    String method = METHODS.contains(http.getMethod()) ? http.getMethod() : "other";
    String route = routeOf(http.getRequestURI().substring(http.getContextPath().length()));
    try {
      chain.doFilter(request, response);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      // The container answers 500 unless the response was already under way.
      metrics.httpRequest(method, route, answer.isCommitted() ? answer.getStatus() : 500, System.nanoTime() - start);
      throw e;
    }
    if (request.isAsyncStarted()) {
      request.getAsyncContext().addListener(new Completion(method, route, answer, start));
    } else {
      metrics.httpRequest(method, route, answer.getStatus(), System.nanoTime() - start);
    }
  }

  /** Records an asynchronous request once, when its exchange ends however it ends. */
  private final class Completion implements AsyncListener {
    private final String method;
    private final String route;
    private final HttpServletResponse response;
    private final long start;
    private final AtomicBoolean recorded = new AtomicBoolean();

    Completion(String method, String route, HttpServletResponse response, long start) {
      this.method = method;
      this.route = route;
      this.response = response;
      this.start = start;
    }

    private void record() {
      if (recorded.compareAndSet(false, true)) {
        metrics.httpRequest(method, route, response.getStatus(), System.nanoTime() - start);
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {
      record();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      record();
    }

    @Override
    public void onError(AsyncEvent event) {
      record();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // not dispatched again
    }
  }
}

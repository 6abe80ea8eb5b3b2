package dev.tributary.metrics;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /metrics}: every meter, for a Prometheus server to scrape: in Prometheus text format, or in
 * OpenMetrics text format when the client prefers it ({@code Accept: application/openmetrics-text}, as
 * Prometheus itself sends). Without a preference, Prometheus text (the {@code qs} of each type).
 */
@Path("metrics")
public final class MetricsResource {

  /** The Prometheus text exposition format's media type. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ProxyMetrics metrics;

  public MetricsResource(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  /** The OpenMetrics text format's media type. */
  public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  @GET
  @Produces(PROMETHEUS_TEXT)
  public String scrape() {
    return metrics.scrape();
  }

  @GET
  @Produces(OPENMETRICS_TEXT + "; qs=0.5")
  public Response scrapeOpenMetrics() {
    return Response.ok(metrics.scrape(OPENMETRICS_TEXT), OPENMETRICS_TEXT).build();
  }
}

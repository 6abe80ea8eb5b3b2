package dev.tributary.metrics;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** {@code GET /metrics}: every meter in Prometheus text format, for a Prometheus server to scrape. */
@Path("metrics")
public final class MetricsResource {

  /** The Prometheus text exposition format's media type. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ProxyMetrics metrics;

  public MetricsResource(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  @GET
  @Produces(PROMETHEUS_TEXT)
  public String scrape() {
    return metrics.scrape();
  }
}

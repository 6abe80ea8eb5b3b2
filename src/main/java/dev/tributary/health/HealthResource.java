package dev.tributary.health;

import dev.tributary.errors.ErrorCode;
import dev.tributary.kafka.ClusterMetadata;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.KafkaException;

/**
 * {@code GET /health/live} and {@code GET /health/ready}, for a load balancer or an orchestrator.
 *
 * <ul>
 *   <li>Live: the application is deployed and answering; always 200 while it is.
 *   <li>Ready: the Kafka cluster answers a metadata request now (200), or not within {@link #TIMEOUT}
 *       (503). The answer is reused for {@link #REUSE}, so frequent probes do not load Kafka, and probes
 *       wait for one question in flight rather than asking again.
 * </ul>
 *
 * Neither needs credentials, and neither says more than whether Kafka is reachable.
 */
@Path("health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

  static final Duration TIMEOUT = Duration.ofSeconds(2);
  static final Duration REUSE = Duration.ofSeconds(1);

  private final ClusterMetadata metadata;
  private final LongSupplier nanoTime;
  private Response last; // guarded by this
  private long lastAt;

  public HealthResource(ClusterMetadata metadata) {
    this(metadata, System::nanoTime);
  }

  HealthResource(ClusterMetadata metadata, LongSupplier nanoTime) {
    this.metadata = metadata;
    this.nanoTime = nanoTime;
  }

  @GET
  @Path("live")
  public Map<String, Object> live() {
    return Map.of("status", "UP");
  }

  @GET
  @Path("ready")
  public synchronized Response ready() {
    long now = nanoTime.getAsLong();
    if (last == null || now - lastAt >= REUSE.toNanos()) {
      last = check();
      lastAt = nanoTime.getAsLong();
    }
    return Response.fromResponse(last).build();
  }

  private Response check() {
    Map<String, Object> body = new LinkedHashMap<>();
    try {
      int brokers = metadata.brokers(TIMEOUT);
      body.put("status", "UP");
      body.put("cluster_id", metadata.clusterId());
      body.put("brokers", brokers);
      return Response.ok(body).build();
    } catch (KafkaException e) {
      body.put("status", "DOWN");
      String reason = e.getMessage() == null ? "no answer" : ErrorCode.oneLine(e.getMessage());
      body.put("message", "Kafka is not reachable: " + reason);
      return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(body).build();
    }
  }
}

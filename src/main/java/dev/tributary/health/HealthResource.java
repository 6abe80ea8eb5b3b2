package dev.tributary.health;

import dev.tributary.kafka.ClusterMetadata;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health/live} and {@code GET /health/ready}, for a load balancer or an orchestrator. Both
 * answer at once: neither asks Kafka while the probe waits.
 *
 * <ul>
 *   <li>Live: the application is deployed and answering; always 200 while it is, whatever Kafka does.
 *   <li>Ready: 200 if the Kafka cluster answered the proxy's background check (every 0.5 s) within the
 *       last 1.5 s; otherwise 503, with why.
 * </ul>
 *
 * Neither needs credentials, and neither says more than whether Kafka is reachable.
 */
@Path("health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

  private final ClusterMetadata metadata;

  public HealthResource(ClusterMetadata metadata) {
    this.metadata = metadata;
  }

  @GET
  @Path("live")
  public Map<String, Object> live() {
    return Map.of("status", "UP");
  }

  @GET
  @Path("ready")
  public Response ready() {
    ClusterMetadata.Health health = metadata.health();
    Map<String, Object> body = new LinkedHashMap<>();
    if (health.reachable()) {
      body.put("status", "UP");
      body.put("cluster_id", metadata.clusterId());
      body.put("brokers", health.brokers());
      return Response.ok(body).build();
    }
    body.put("status", "DOWN");
    body.put("message", "Kafka is not reachable: " + health.problem());
    return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(body).build();
  }
}

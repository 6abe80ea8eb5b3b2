package dev.tributary.clusters;

import dev.tributary.api.ClusterData;
import dev.tributary.auth.Authenticator;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ClusterMetadata;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /kafka/v3/clusters} and {@code GET /kafka/v3/clusters/{cluster_id}} (and under {@code
 * /v3}): how a client discovers the cluster id to put in produce URLs.
 */
@Path("{root: (kafka/)?v3}/clusters")
@Produces(MediaType.APPLICATION_JSON)
public final class ClustersResource {

  private final ClusterMetadata metadata;
  private final Authenticator authenticator;
  private final SelfLinks links;

  public ClustersResource(ClusterMetadata metadata, Authenticator authenticator, SelfLinks links) {
    this.metadata = metadata;
    this.authenticator = authenticator;
    this.links = links;
  }

  /**
   * With pass-through authentication, only a caller Kafka accepts may see the cluster; the check runs
   * on this thread, and asks Kafka only for credentials not seen before.
   */
  private void authenticate(String authorization) {
    authenticator.authenticate(authorization).close();
  }

  @GET
  public ClusterData.ListOf list(
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @Context HttpServletRequest request) {
    authenticate(authorization);
    String self = self(request);
    return ClusterData.ListOf.of(self, List.of(cluster(self, metadata.clusterId())));
  }

  @GET
  @Path("{cluster_id}")
  public ClusterData get(
      @PathParam("cluster_id") String clusterId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @Context HttpServletRequest request) {
    authenticate(authorization);
    if (!metadata.clusterId().equals(clusterId)) {
      throw TributaryException.of(ErrorCode.CLUSTER_NOT_FOUND, clusterId);
    }
    return ClusterData.of(self(request), clusterId);
  }

  /** This request's own URL, as a client reaches it (see {@link SelfLinks}). */
  private String self(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return links.of(request, path.replaceAll("/+$", ""));
  }

  private static ClusterData cluster(String listSelf, String clusterId) {
    return ClusterData.of(listSelf + "/" + clusterId, clusterId);
  }
}

package dev.tributary.produce;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * {@code POST /kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records}, and the same under {@code
 * /v3}: the Produce Records endpoint.
 *
 * <p>The request is suspended: the stream answers on the servlet's asynchronous exchange, and the
 * container thread returns at once. Failures before the first record go through the JAX-RS error
 * mapper.
 */
@Path("{root: (kafka/)?v3}/clusters/{cluster_id}/topics/{topic_name}/records")
public final class ProduceResource {

  private final ProduceStreams streams;

  public ProduceResource(ProduceStreams streams) {
    this.streams = streams;
  }

  @POST
  @Consumes("application/json")
  public void produce(
      @PathParam("cluster_id") String clusterId,
      @PathParam("topic_name") String topicName,
      @Context HttpHeaders headers,
      @Context HttpServletRequest request,
      @Suspended AsyncResponse response) {
    streams.open(
        clusterId,
        topicName,
        headers.getMediaType(),
        headers.getHeaderString(HttpHeaders.AUTHORIZATION),
        request.getAsyncContext(),
        response);
  }
}

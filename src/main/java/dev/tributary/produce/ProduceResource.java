package dev.tributary.produce;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records}, and the same under {@code
 * /v3}: the Produce Records endpoint.
 */
@Path("{root: (kafka/)?v3}/clusters/{cluster_id}/topics/{topic_name}/records")
public final class ProduceResource {

  private final ProduceStreams streams;

  public ProduceResource(ProduceStreams streams) {
    this.streams = streams;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response produce(
      @PathParam("cluster_id") String clusterId,
      @PathParam("topic_name") String topicName,
      @Context HttpHeaders headers,
      InputStream body)
      throws IOException {
    return Response.ok(
            streams.open(clusterId, topicName, headers.getMediaType(), body),
            MediaType.APPLICATION_JSON_TYPE)
        .build();
  }
}

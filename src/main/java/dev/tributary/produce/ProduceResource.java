package dev.tributary.produce;

import static java.util.Objects.requireNonNull;

import dev.tributary.produce.record.TraceContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;

/**
 * {@code POST /kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records}, and the same under {@code
 * /v3}: the Produce Records endpoint.
 *
 * <p>The request is suspended ({@link Suspended}): Jersey starts the servlet's asynchronous exchange
 * before this method runs, this method takes it over on the container's thread ({@link Exchange#begin}),
 * and returns at once. Failures before the first record are answered through the suspended response and
 * the JAX-RS error mapper; from the first record on, the stream answers with servlet non-blocking I/O.
 */
@Path("{root: (kafka/)?v3}/clusters/{cluster_id}/topics/{topic_name}/records")
public final class ProduceResource {

  private final StreamOpener opener;

  public ProduceResource(StreamOpener opener) {
    this.opener = requireNonNull(opener, "opener");
  }

  @POST
  @Consumes("application/json")
  public void produce(
      @PathParam("cluster_id") String clusterId,
      @PathParam("topic_name") String topicName,
      @Context HttpHeaders headers,
      @Context HttpServletRequest request,
      @Suspended AsyncResponse response)
      throws IOException {
    opener.open(
        clusterId,
        topicName,
        headers.getMediaType(),
        headers.getHeaderString(HttpHeaders.AUTHORIZATION),
        headers.getHeaderString(StreamOpener.PRODUCER_ID),
        headers.getHeaderString(StreamOpener.SEQUENCE),
        TraceContext.of(
            headers.getHeaderString(TraceContext.TRACEPARENT), headers.getHeaderString(TraceContext.TRACESTATE)),
        Exchange.begin(request, response));
  }
}

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
 * {@code POST /kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records:batch}, and the same under
 * {@code /v3}: Confluent's Produce Records Batch endpoint ({@link BatchProducer} says what it does).
 */
@Path("{root: (kafka/)?v3}/clusters/{cluster_id}/topics/{topic_name}/records:batch")
public final class BatchResource {

  private final BatchProducer batches;

  public BatchResource(BatchProducer batches) {
    this.batches = requireNonNull(batches, "batches");
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
    batches.produce(
        clusterId,
        topicName,
        headers.getMediaType(),
        headers.getHeaderString(HttpHeaders.AUTHORIZATION),
        headers.getHeaderString(StreamOpener.PRODUCER_ID),
        headers.getHeaderString(StreamOpener.SEQUENCE),
        TraceContext.of(
            headers.getHeaderString(TraceContext.TRACEPARENT), headers.getHeaderString(TraceContext.TRACESTATE)),
        request.getInputStream(),
        new AccessLog(request),
        response);
  }
}

package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One record of a produce request, as the API document's {@code ProduceRequest}. Every field is
 * optional and nullable; unknown fields are rejected by the mapper.
 *
 * @param timestamp an ISO-8601 instant, parsed when the record is built
 */
public record ProduceRequest(
    @JsonProperty("partition_id") Integer partitionId,
    @JsonProperty("headers") List<ProduceRequestHeader> headers,
    @JsonProperty("key") ProduceRequestData key,
    @JsonProperty("value") ProduceRequestData value,
    @JsonProperty("timestamp") String timestamp) {

  public ProduceRequest {
    headers = headers == null ? List.of() : headers;
    for (ProduceRequestHeader header : headers) {
      if (header == null) {
        throw new IllegalArgumentException("headers must not contain null");
      }
    }
  }
}

package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A successful delivery report, as the API document's {@code ProduceResponse} with {@code error_code}
 * 200. Failed records are reported with an {@link ErrorResponse}.
 *
 * @param timestamp the record's timestamp as Kafka stored it, an ISO-8601 instant
 * @param key present exactly when the request had a key object
 * @param value present exactly when the request had a value object
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "error_code", "cluster_id", "topic_name", "partition_id", "offset", "timestamp", "key", "value"
})
public record ProduceResponse(
    @JsonProperty("error_code") int errorCode,
    @JsonProperty("cluster_id") String clusterId,
    @JsonProperty("topic_name") String topicName,
    @JsonProperty("partition_id") int partitionId,
    @JsonProperty("offset") long offset,
    @JsonProperty("timestamp") String timestamp,
    @JsonProperty("key") ProduceResponseData key,
    @JsonProperty("value") ProduceResponseData value) {

  public ProduceResponse {
    if (errorCode != 200) {
      throw new IllegalArgumentException("errorCode != 200: " + errorCode);
    }
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(topicName, "topicName");
  }
}

package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * The answer to {@code records:batch}, as Confluent's v3 document's {@code ProduceBatchResponse}: each
 * entry's outcome, by its id, the produced ones in {@code successes} and the others in {@code failures},
 * each list in request order. Sent with HTTP 207.
 */
@JsonPropertyOrder({"successes", "failures"})
public record ProduceBatchResponse(
    @JsonProperty("successes") List<Success> successes, @JsonProperty("failures") List<Failure> failures) {

  public ProduceBatchResponse {
    successes = List.copyOf(successes);
    failures = List.copyOf(failures);
  }

  /**
   * A produced entry ({@code ProduceBatchResponseSuccessEntry}).
   *
   * @param partitionId null for a duplicate (an exactly-once entry produced before)
   * @param sequence the entry's number in an exactly-once batch, else null
   * @param duplicate true for an exactly-once entry produced before, else null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "id", "cluster_id", "topic_name", "partition_id", "offset", "timestamp", "key", "value", "sequence", "duplicate"
  })
  public record Success(
      @JsonProperty("id") String id,
      @JsonProperty("cluster_id") String clusterId,
      @JsonProperty("topic_name") String topicName,
      @JsonProperty("partition_id") Integer partitionId,
      @JsonProperty("offset") Long offset,
      @JsonProperty("timestamp") String timestamp,
      @JsonProperty("key") ProduceResponseData key,
      @JsonProperty("value") ProduceResponseData value,
      @JsonProperty("sequence") Long sequence,
      @JsonProperty("duplicate") Boolean duplicate) {

    public Success {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(clusterId, "clusterId");
      Objects.requireNonNull(topicName, "topicName");
    }
  }

  /** An entry that was not produced ({@code ProduceBatchResponseFailureEntry}): its id and its error. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"id", "error_code", "message", "sequence"})
  public record Failure(
      @JsonProperty("id") String id,
      @JsonProperty("error_code") int errorCode,
      @JsonProperty("message") String message,
      @JsonProperty("sequence") Long sequence) {

    public Failure {
      Objects.requireNonNull(id, "id");
    }
  }
}

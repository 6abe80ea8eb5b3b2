package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A Kafka cluster in the reference's v3 shape ({@code GET /v3/clusters/{cluster_id}}), trimmed to what
 * this proxy serves: its kind, its own address and the id to put in produce URLs.
 */
@JsonPropertyOrder({"kind", "metadata", "cluster_id"})
public record ClusterData(
    @JsonProperty("kind") String kind,
    @JsonProperty("metadata") Metadata metadata,
    @JsonProperty("cluster_id") String clusterId) {

  /** The cluster at {@code self}. */
  public static ClusterData of(String self, String clusterId) {
    return new ClusterData("KafkaCluster", new Metadata(self, "crn:///kafka=" + clusterId), clusterId);
  }

  /** A resource's own address and its Confluent resource name. */
  @JsonPropertyOrder({"self", "resource_name"})
  public record Metadata(
      @JsonProperty("self") String self, @JsonProperty("resource_name") String resourceName) {}

  /** The reference's {@code KafkaClusterList}: every cluster this proxy serves, in one page. */
  @JsonPropertyOrder({"kind", "metadata", "data"})
  public record ListOf(
      @JsonProperty("kind") String kind,
      @JsonProperty("metadata") ListMetadata metadata,
      @JsonProperty("data") List<ClusterData> data) {

    public static ListOf of(String self, List<ClusterData> clusters) {
      return new ListOf("KafkaClusterList", new ListMetadata(self, null), List.copyOf(clusters));
    }
  }

  /** A list's own address and the next page's, which is always null here. */
  @JsonPropertyOrder({"self", "next"})
  public record ListMetadata(
      @JsonProperty("self") String self,
      @JsonProperty("next") @JsonInclude(JsonInclude.Include.ALWAYS) String next) {}
}

package dev.tributary.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;

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

  private static final SerializedString ERROR_CODE = new SerializedString("error_code");
  private static final SerializedString CLUSTER_ID = new SerializedString("cluster_id");
  private static final SerializedString TOPIC_NAME = new SerializedString("topic_name");
  private static final SerializedString PARTITION_ID = new SerializedString("partition_id");
  private static final SerializedString OFFSET = new SerializedString("offset");
  private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
  private static final SerializedString KEY = new SerializedString("key");
  private static final SerializedString VALUE = new SerializedString("value");
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString SIZE = new SerializedString("size");

  /**
   * Writes this report as data binding would (same fields, order and omissions), with the streaming
   * API: one report per record makes this the proxy's most frequent serialization.
   */
  public void writeTo(JsonGenerator out) throws IOException {
    out.writeStartObject();
    out.writeFieldName(ERROR_CODE);
    out.writeNumber(errorCode);
    out.writeFieldName(CLUSTER_ID);
    out.writeString(clusterId);
    out.writeFieldName(TOPIC_NAME);
    out.writeString(topicName);
    out.writeFieldName(PARTITION_ID);
    out.writeNumber(partitionId);
    out.writeFieldName(OFFSET);
    out.writeNumber(offset);
    if (timestamp != null) {
      out.writeFieldName(TIMESTAMP);
      out.writeString(timestamp);
    }
    writeData(out, KEY, key);
    writeData(out, VALUE, value);
    out.writeEndObject();
  }

  private static void writeData(JsonGenerator out, SerializedString name, ProduceResponseData data)
      throws IOException {
    if (data != null) {
      out.writeFieldName(name);
      out.writeStartObject();
      out.writeFieldName(TYPE);
      out.writeString(data.type().name());
      out.writeFieldName(SIZE);
      out.writeNumber(data.size());
      out.writeEndObject();
    }
  }
}

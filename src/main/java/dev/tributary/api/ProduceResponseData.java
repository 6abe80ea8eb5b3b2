package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * What was produced for a key or value, as the API document's {@code ProduceResponseData}.
 *
 * @param size the number of bytes produced, {@code -1} for null
 */
@JsonPropertyOrder({"type", "size"})
public record ProduceResponseData(
    @JsonProperty("type") EmbeddedFormat type, @JsonProperty("size") int size) {

  public ProduceResponseData {
    Objects.requireNonNull(type, "type");
    if (size < -1) {
      throw new IllegalArgumentException("size < -1: " + size);
    }
  }
}

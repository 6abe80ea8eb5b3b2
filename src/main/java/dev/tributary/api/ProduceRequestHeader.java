package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A record header, as the API document's {@code ProduceRequestHeader}.
 *
 * @param name required; names may repeat and their order is kept
 * @param value base64 of the header bytes, or null
 */
public record ProduceRequestHeader(
    @JsonProperty("name") String name, @JsonProperty("value") String value) {

  public ProduceRequestHeader {
    if (name == null) {
      throw new IllegalArgumentException("header name is required");
    }
  }
}

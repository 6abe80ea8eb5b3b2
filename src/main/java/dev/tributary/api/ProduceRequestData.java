package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A record key or value, as the API document's {@code ProduceRequestData}.
 *
 * @param type absent means {@link EmbeddedFormat#JSON}: this proxy has no Schema Registry to ask
 * @param data the value in that format, as sent; absent and JSON {@code null} both mean null bytes
 */
public record ProduceRequestData(
    @JsonProperty("type") EmbeddedFormat type, @JsonProperty("data") AnyValue data) {

  public ProduceRequestData {
    type = type == null ? EmbeddedFormat.JSON : type;
  }
}

package dev.tributary.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The API document's {@code Error}: a failed request's body, or a failed record's delivery report.
 *
 * @param errorCode the HTTP status, or a five-digit code whose first three digits are one
 * @param message one line for the user; never a class name, a stack trace or a credential
 */
@JsonPropertyOrder({"error_code", "message"})
public record ErrorResponse(
    @JsonProperty("error_code") int errorCode, @JsonProperty("message") String message) {

  public ErrorResponse {
    if (errorCode < 400) {
      throw new IllegalArgumentException("errorCode < 400: " + errorCode);
    }
    Objects.requireNonNull(message, "message");
  }
}

package dev.tributary.errors;

/**
 * Every error this proxy reports, with its HTTP status, its {@code error_code} and its message.
 *
 * <p>The HTTP status is used before a stream starts (the whole request fails); once the first record has
 * been read the response is already 200, and the same entry is written in band as that record's report.
 * A message with {@code %s} is completed by the caller; the others are fixed.
 */
public enum ErrorCode {
  BAD_REQUEST(400, 400, "Bad Request: %s"),
  UNSUPPORTED_CHARSET(
      400, 400, "Unsupported charset in Content-Type header. Supports \"UTF-8\" and \"ISO-8859-1\"."),
  /** A syntax error that makes the rest of the body unreadable; the stream ends after it. */
  MALFORMED_STREAM(400, 400, "Bad Request: Error processing message: %s"),
  AUTHENTICATION_REQUIRED(
      401, 401, "Authentication required: send your Kafka user name and password with HTTP Basic authentication."),
  KAFKA_AUTHENTICATION(401, 40101, "Authentication failed"),
  KAFKA_AUTHORIZATION(403, 40301, "%s"),
  NOT_FOUND(404, 404, "HTTP 404 Not Found"),
  CLUSTER_NOT_FOUND(404, 404, "Cluster %s cannot be found."),
  PARTITION_NOT_FOUND(404, 40402, "Partition not found."),
  UNKNOWN_TOPIC_OR_PARTITION(404, 40403, "This server does not host this topic-partition."),
  /** Another 4xx raised by the JAX-RS runtime (405, 406, ...), reported as it names it. */
  HTTP_CLIENT_ERROR(400, 400, "%s"),
  STREAM_TOO_OLD(
      408, 408, "Streaming connection open for longer than allowed: Connection will be closed."),
  RECORD_TOO_LARGE(413, 413, "%s"),
  /** A record (or the bytes after the last one) still arriving this many ms after its first read. */
  RECORD_TOO_SLOW(
      408,
      408,
      "Request Timeout: a record took longer than %s ms to arrive; it was not produced, and the stream ends."),
  RATE_LIMITED(429, 429, "Request rate limit exceeded: %s"),
  UNSUPPORTED_MEDIA_TYPE(415, 415, "HTTP 415 Unsupported Media Type"),
  EMPTY_BODY(422, 422, "Payload error. Request body is empty. Data is required."),
  INTERNAL(500, 500, "Internal Server Error"),
  KAFKA_ERROR(500, 50002, "%s"),
  /** Kafka did not answer in time; as a whole request (a stream opened during an outage), 503. */
  KAFKA_RETRIABLE_ERROR(503, 50003, "%s"),
  BROKER_NOT_AVAILABLE(503, 50302, "%s");

  private final int httpStatus;
  private final int errorCode;
  private final String message;

  ErrorCode(int httpStatus, int errorCode, String message) {
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.message = message;
  }

  /** The status of a response that fails as a whole with this error. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The {@code error_code} in the body or the report. */
  public int errorCode() {
    return errorCode;
  }

  /** The message, with {@code detail} in place of {@code %s} where the message has one. */
  public String message(String detail) {
    return message.contains("%s") ? String.format(message, oneLine(detail)) : message;
  }

  boolean takesDetail() {
    return message.contains("%s");
  }

  /** Messages are one line: line breaks (Kafka's messages sometimes have them) become spaces. */
  public static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}

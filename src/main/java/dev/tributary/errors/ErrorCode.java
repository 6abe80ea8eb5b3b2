package dev.tributary.errors;

/**
 * Every error this proxy reports, with its HTTP status, its {@code error_code} and its message.
 *
 * <p>The HTTP status is used before a stream starts (the whole request fails); once the first record has
 * been read the response is already 200, and the same entry is written in band as that record's report.
 * A message's {@code %s} marks are filled, in order, with the values the caller passes ({@link
 * TributaryException#of}): values only (a limit, a field, the client's own input, shortened), never
 * sentences. Where a message is only {@code %s}, it relays Kafka's own words, as the reference does.
 */
public enum ErrorCode {
  /** Data binding's or the parser's diagnosis of a record, in the user's words ({@link Errors}). */
  BAD_REQUEST(400, 400, "Bad Request: %s"),
  NOT_AN_OBJECT(400, 400, "Bad Request: A record must be a JSON object."),
  DUPLICATE_FIELD(400, 400, "Bad Request: Duplicate field \"%s\"."),
  NOT_BASE64(400, 400, "Bad Request: data=%s is not a base64 string."),
  INVALID_BASE64(400, 400, "Bad Request: data=%s is not a valid base64 string."),
  NOT_A_STRING(400, 400, "Bad Request: data=%s is not a string."),
  INVALID_HEADER_VALUE(400, 400, "Bad Request: header %s has a value that is not a valid base64 string."),
  UNPAIRED_SURROGATE(400, 400, "Bad Request: %s is not valid Unicode: it has an unpaired surrogate (\\u%s)."),
  TIMESTAMP_NOT_ISO(
      400, 400, "Bad Request: timestamp=%s is not an ISO-8601 date-time, e.g. 2021-02-05T19:14:42Z."),
  TIMESTAMP_BEFORE_EPOCH(400, 400, "Bad Request: timestamp=%s is before 1970-01-01T00:00:00Z."),
  TIMESTAMP_OUT_OF_RANGE(400, 400, "Bad Request: timestamp=%s is out of range."),
  TIMESTAMP_TOO_LATE(
      400,
      400,
      "Bad Request: timestamp=%s is later than this topic accepts: at most %s ms after now"
          + " (message.timestamp.after.max.ms)."),
  TIMESTAMP_TOO_EARLY(
      400,
      400,
      "Bad Request: timestamp=%s is earlier than this topic accepts: at most %s ms before now"
          + " (message.timestamp.before.max.ms)."),
  KEY_REQUIRED(400, 400, "Bad Request: this topic is compacted (cleanup.policy=compact): a record needs a key."),
  /** The broker refused the record itself (Kafka's words follow): the client's to fix. */
  KAFKA_REFUSED_TIMESTAMP(400, 400, "Bad Request: Kafka refused the record's timestamp: %s"),
  KAFKA_REFUSED_RECORD(400, 400, "Bad Request: Kafka refused the record: %s"),
  UNSUPPORTED_CHARSET(
      400, 400, "Unsupported charset in Content-Type header. Supports \"UTF-8\" and \"ISO-8859-1\"."),
  /** A syntax error that makes the rest of the body unreadable (the parser's diagnosis); the stream ends. */
  MALFORMED_STREAM(400, 400, "Bad Request: Error processing message: %s"),
  BODY_NOT_UTF8(
      400, 400, "Bad Request: Error processing message: The request body is not valid UTF-8 (at byte offset %s)."),
  BODY_ENDS_INSIDE_CHARACTER(
      400,
      400,
      "Bad Request: Error processing message: The request body is not valid UTF-8 (it ends inside a character)."),
  BODY_UNREADABLE(
      400,
      400,
      "Bad Request: Error processing message: The request body could not be read: its framing is broken or it"
          + " ended early."),
  AUTHENTICATION_REQUIRED(
      401, 401, "Authentication required: send your Kafka user name and password with HTTP Basic authentication."),
  KAFKA_AUTHENTICATION(401, 40101, "Authentication failed"),
  KAFKA_AUTHORIZATION(403, 40301, "%s"),
  NOT_FOUND(404, 404, "HTTP 404 Not Found"),
  CLUSTER_NOT_FOUND(404, 404, "Cluster %s cannot be found."),
  PARTITION_NOT_FOUND(404, 40402, "Partition not found."),
  UNKNOWN_TOPIC_OR_PARTITION(404, 40403, "This server does not host this topic-partition."),
  /** Another 4xx raised by the JAX-RS runtime (405, 406, ...), reported as it names it: status and reason. */
  HTTP_CLIENT_ERROR(400, 400, "HTTP %s"),
  STREAM_TOO_OLD(
      408, 408, "Streaming connection open for longer than allowed: Connection will be closed."),
  /** A record (or the bytes after the last one) still arriving this many ms after its first read. */
  RECORD_TOO_SLOW(
      408,
      408,
      "Request Timeout: a record took longer than %s ms to arrive; it was not produced, and the stream ends."),
  RECORD_TOO_LARGE(
      413, 413, "The record is larger than the maximum of %s bytes (api.v3.produce.request.size.limit.max.bytes)."),
  RECORD_TOO_LARGE_FOR_TOPIC(
      413, 413, "The record is larger than the topic's maximum message size (max.message.bytes=%s)."),
  KAFKA_RECORD_TOO_LARGE(413, 413, "%s"),
  /** A produce rate limit: its amount and unit ("10000 records per second"). */
  RATE_LIMITED(429, 429, "Request rate limit exceeded: more than %s."),
  PRODUCER_POOL_FULL(
      429, 429, "Request rate limit exceeded: all %s Kafka producers are in use by other principals; retry later"),
  PRODUCER_ID_INVALID(
      400,
      400,
      "Bad Request: the Tributary-Producer-Id header must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and"
          + " '-', was \"%s\"."),
  SEQUENCE_INVALID(
      400, 400, "Bad Request: the Tributary-Sequence header must be a whole number, 0 or more, was \"%s\"."),
  SEQUENCE_WITHOUT_PRODUCER_ID(
      400, 400, "Bad Request: the Tributary-Sequence header needs a Tributary-Producer-Id header."),
  /** An exactly-once stream's producer id was taken over by a newer stream with the same id. */
  TAKEN_OVER(
      409,
      40901,
      "Conflict: taken over: a newer stream with the same Tributary-Producer-Id started; this record was not"
          + " produced, and this stream ends."),
  SEQUENCE_GAP(
      409,
      40902,
      "Conflict: Tributary-Sequence %s leaves a gap: the last committed sequence of this producer id is %s,"
          + " so a body must start at %s or earlier."),
  /** An exactly-once stream ends at the first record not produced: the records after it are not sent. */
  NOT_PRODUCED_AFTER_FAILURE(
      409,
      40903,
      "Conflict: not produced: the record with sequence %s was not produced, so this exactly-once stream ends;"
          + " resend from that record."),
  /** A {@code records:batch} entry not produced because another entry of its exactly-once batch was not. */
  BATCH_ENTRY_NOT_PRODUCED(
      409,
      40904,
      "Conflict: not produced: entry %s of this batch was not produced, and with Tributary-Producer-Id a batch"
          + " is produced whole or not at all."),
  EXACTLY_ONCE_POOL_FULL(
      429, 429, "Request rate limit exceeded: all %s exactly-once producers are in use; retry later"),
  UNSUPPORTED_MEDIA_TYPE(415, 415, "HTTP 415 Unsupported Media Type"),
  EMPTY_BODY(422, 422, "Payload error. Request body is empty. Data is required."),
  /** {@code records:batch}'s whole-request errors: the reference's messages and its one code, 42208. */
  BATCH_EMPTY_BODY(422, 42208, "Request body is empty. Data is required."),
  BATCH_EMPTY(422, 42208, "Empty batch."),
  BATCH_TOO_MANY_ENTRIES(422, 42208, "Too many entries in batch."),
  BATCH_IDS_NOT_DISTINCT(422, 42208, "Batch entry IDs are not distinct."),
  BATCH_ID_INVALID(422, 42208, "Batch entry identifier is not a valid string."),
  BATCH_NOT_AN_OBJECT(
      400, 400, "Bad Request: a batch is a JSON object with one field, \"entries\", an array of records with an id."),
  BATCH_TOO_LARGE(
      413,
      413,
      "The batch is larger than the maximum of %s bytes (api.v3.produce.batch.maximum.entries records of"
          + " api.v3.produce.request.size.limit.max.bytes)."),
  /** An unexpected failure: the id is also in the failure's one log line. */
  INTERNAL(500, 500, "Internal Server Error (error id %s)"),
  KAFKA_ERROR(500, 50002, "%s"),
  /** Kafka did not answer in time; as a whole request (a stream opened during an outage), 503. */
  KAFKA_RETRIABLE_ERROR(503, 50003, "%s"),
  /** A stream opened while the background check finds the cluster silent; the check's reason follows. */
  KAFKA_UNREACHABLE(503, 50003, "Kafka is not reachable: %s. Retry later."),
  BROKER_NOT_AVAILABLE(503, 50302, "%s"),
  /** The application is being undeployed or its server stopped: the request was not read. */
  STOPPING(503, 50306, "Tributary is stopping: the request was not read; send it again (to another instance)."),
  /** Kafka aborted the record's transaction: none of its records is visible. */
  TRANSACTION_ABORTED(503, 50304, "Not produced: the record's Kafka transaction was aborted: %s"),
  /** A commit Kafka did not confirm in time: it may still complete. */
  COMMIT_UNKNOWN(
      503,
      50305,
      "Kafka did not confirm the commit of this record's transaction in time, so it may or may not be visible;"
          + " reconnect with the same Tributary-Producer-Id and read Tributary-Committed-Sequence: %s");

  private final int httpStatus;
  private final int errorCode;
  private final String message;
  private final int marks;

  ErrorCode(int httpStatus, int errorCode, String message) {
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.message = message;
    this.marks = message.split("%s", -1).length - 1;
  }

  /** The status of a response that fails as a whole with this error. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The {@code error_code} in the body or the report. */
  public int errorCode() {
    return errorCode;
  }

  /** How many values the message takes: its {@code %s} marks. */
  public int valueCount() {
    return marks;
  }

  /**
   * The message, {@code values} in place of its {@code %s} marks, each on one line.
   *
   * @throws IllegalArgumentException if there are not as many values as marks
   */
  public String message(Object... values) {
    if (values.length != marks) {
      throw new IllegalArgumentException(this + " takes " + marks + " values, not " + values.length);
    }
    if (marks == 0) {
      return message;
    }
    StringBuilder text = new StringBuilder(message.length() + 32);
    int from = 0;
    for (Object value : values) {
      int mark = message.indexOf("%s", from);
      text.append(message, from, mark).append(oneLine(String.valueOf(value)));
      from = mark + 2;
    }
    return text.append(message, from, message.length()).toString();
  }

  /** Messages are one line: line breaks (Kafka's messages sometimes have them) become spaces. */
  public static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}

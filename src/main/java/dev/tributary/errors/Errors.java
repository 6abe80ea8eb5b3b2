package dev.tributary.errors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.tributary.api.ErrorResponse;
import dev.tributary.kafka.KafkaFailure;
import dev.tributary.kafka.OversizedRecordException;
import dev.tributary.kafka.PoolFullException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one mapping from a failure to what the client is told: a pure function. The JAX-RS exception
 * mapper uses it before a stream starts; the stream uses it for each record's report. Neither this nor
 * the mapping logs: each caller logs once, by audience ({@link FailureLog}).
 */
public final class Errors {

  private Errors() {}

  /**
   * What a failure looks like on the wire: a status for a whole response, and the body or report; and
   * what caused it, for the one log line a server-side failure gets.
   */
  public record Failure(int httpStatus, ErrorResponse body, Throwable cause) {

    /** Whether the proxy or Kafka failed (5xx), rather than the client. */
    public boolean serverFault() {
      return httpStatus >= 500;
    }

    /** Whether nothing expected it: a bug, reported as a 500 with an {@link #errorId}. */
    public boolean unexpected() {
      return body.errorCode() == ErrorCode.INTERNAL.errorCode();
    }
  }

  /** The failure to report for {@code error}. Pure: the same error gives the same failure, and logs nothing. */
  public static Failure toFailure(Throwable error) {
    return classify(unwrap(error));
  }

  /**
   * The id a 500's message and its log line share: the failure's identity, so the same failure always
   * gives the same id, and two failures at once do not.
   */
  public static String errorId(Throwable cause) {
    return String.format("%08x", System.identityHashCode(cause));
  }

  private static Failure classify(Throwable cause) {
    if (cause instanceof TributaryException e) {
      return new Failure(e.code().httpStatus(), new ErrorResponse(e.code().errorCode(), e.getMessage()), e);
    }
    if (cause instanceof PoolFullException e) {
      return failure(cause, e.exactlyOnce() ? ErrorCode.EXACTLY_ONCE_POOL_FULL : ErrorCode.PRODUCER_POOL_FULL, e.maxSize());
    }
    if (cause instanceof OversizedRecordException e) {
      return failure(cause, ErrorCode.RECORD_TOO_LARGE_FOR_TOPIC, e.maxMessageBytes());
    }
    if (cause instanceof KafkaFailure e) {
      return fromKafka(e);
    }
    if (cause instanceof WebApplicationException e) {
      return fromStatus(cause, e.getResponse().getStatus());
    }
    if (cause instanceof ValueInstantiationException e
        && !(e.getCause() instanceof IllegalArgumentException)
        && e.getCause() != null) {
      return classify(unwrap(e.getCause()));
    }
    if (cause instanceof JacksonException e) {
      return failure(cause, ErrorCode.BAD_REQUEST, JsonDiagnosis.describe(e));
    }
    return failure(cause, ErrorCode.INTERNAL, errorId(cause));
  }

  private static Failure failure(Throwable cause, ErrorCode code, Object... values) {
    return new Failure(code.httpStatus(), new ErrorResponse(code.errorCode(), code.message(values)), cause);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** A status the JAX-RS runtime chose (404 for an unknown path, 405, 415...), in its own words. */
  private static Failure fromStatus(Throwable cause, int status) {
    if (status == 404) {
      return failure(cause, ErrorCode.NOT_FOUND);
    }
    if (status == 415) {
      return failure(cause, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    }
    if (status >= 500) {
      return failure(cause, ErrorCode.INTERNAL, errorId(cause));
    }
    Response.StatusType type = Response.Status.fromStatusCode(status);
    String reason = type == null ? "" : " " + type.getReasonPhrase();
    return new Failure(status, new ErrorResponse(status, ErrorCode.HTTP_CLIENT_ERROR.message(status + reason)), cause);
  }

  /** Kafka's failures, by the table in the behaviour contract (spec section 4), in Kafka's own words. */
  private static Failure fromKafka(KafkaFailure e) {
    ErrorCode code =
        switch (e.kind()) {
          case INVALID_TIMESTAMP -> ErrorCode.KAFKA_REFUSED_TIMESTAMP;
          case INVALID_RECORD -> ErrorCode.KAFKA_REFUSED_RECORD;
          case AUTHENTICATION -> ErrorCode.KAFKA_AUTHENTICATION;
          case AUTHORIZATION -> ErrorCode.KAFKA_AUTHORIZATION;
          case UNKNOWN_TOPIC_OR_PARTITION -> ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          case RECORD_TOO_LARGE -> ErrorCode.KAFKA_RECORD_TOO_LARGE;
          case BROKER_NOT_AVAILABLE -> ErrorCode.BROKER_NOT_AVAILABLE;
          case RETRIABLE -> ErrorCode.KAFKA_RETRIABLE_ERROR;
          case OTHER -> ErrorCode.KAFKA_ERROR;
          case TAKEN_OVER -> ErrorCode.TAKEN_OVER;
          case TRANSACTION_ABORTED -> ErrorCode.TRANSACTION_ABORTED;
          case COMMIT_UNKNOWN -> ErrorCode.COMMIT_UNKNOWN;
          case NOT_PRODUCED_AFTER_FAILURE -> ErrorCode.NOT_PRODUCED_AFTER_FAILURE;
        };
    return code.valueCount() == 0
        ? failure(e, code)
        : failure(e, code, e.getMessage());
  }
}

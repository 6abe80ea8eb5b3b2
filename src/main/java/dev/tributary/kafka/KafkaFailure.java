package dev.tributary.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A failure of Kafka's as the rest of the proxy sees it: its kind and Kafka's own words. Kafka's
 * exception types stay inside this package; whatever it hands out (a thrown failure, a failed future)
 * fails with this, with {@link PoolFullException} or with {@link OversizedRecordException}.
 *
 * <p>A signal, not a bug: it carries no stack trace of its own; Kafka's exception is its cause.
 */
public final class KafkaFailure extends RuntimeException {

  /** What went wrong, as far as the client's answer depends on it. */
  public enum Kind {
    /** Kafka rejected the credentials. */
    AUTHENTICATION,
    /** The principal may not do this (write to the topic, say). */
    AUTHORIZATION,
    UNKNOWN_TOPIC_OR_PARTITION,
    /** The broker refused the record's size. */
    RECORD_TOO_LARGE,
    /** The broker refused the record's timestamp: the client's to fix. */
    INVALID_TIMESTAMP,
    /** The broker refused the record itself (no key on a compacted topic, say): the client's to fix. */
    INVALID_RECORD,
    BROKER_NOT_AVAILABLE,
    /** Kafka did not answer in time, or answered "try again": the record may be sent again. */
    RETRIABLE,
    /** Anything else Kafka failed with. */
    OTHER,
    /** An exactly-once stream's producer id was taken over by a newer stream: the record was aborted. */
    TAKEN_OVER,
    /** The record's transaction was aborted (another of its records failed, or Kafka failed it). */
    TRANSACTION_ABORTED,
    /** Kafka did not confirm the commit of the record's transaction in time: it may or may not be visible. */
    COMMIT_UNKNOWN,
    /** An earlier record of the exactly-once stream was not produced, so this one was not sent. */
    NOT_PRODUCED_AFTER_FAILURE
  }

  private final Kind kind;

  KafkaFailure(Kind kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Kafka is not reachable now, as the background check found: {@code why} in its words. */
  static KafkaFailure unreachable(String why) {
    return new KafkaFailure(Kind.RETRIABLE, "Kafka is not reachable: " + why, null);
  }

  /**
   * {@code error} as this package hands it out: a Kafka exception (unwrapped from a future's wrapper)
   * becomes a {@link KafkaFailure}; anything else is returned as it is.
   */
  public static Throwable translate(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof KafkaException e ? of(e) : error;
  }

  /** Kafka's exception {@code e}, as this package hands it out. */
  static KafkaFailure of(KafkaException e) {
    return new KafkaFailure(kind(e), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
  }

  /** Spec section 4's table: the first type {@code e} is an instance of gives its kind; else OTHER. */
  private static final List<Map.Entry<Class<? extends KafkaException>, Kind>> KINDS =
      List.of(
          Map.entry(AuthenticationException.class, Kind.AUTHENTICATION),
          Map.entry(AuthorizationException.class, Kind.AUTHORIZATION),
          Map.entry(UnknownTopicOrPartitionException.class, Kind.UNKNOWN_TOPIC_OR_PARTITION),
          Map.entry(RecordTooLargeException.class, Kind.RECORD_TOO_LARGE),
          Map.entry(InvalidTimestampException.class, Kind.INVALID_TIMESTAMP),
          Map.entry(InvalidRecordException.class, Kind.INVALID_RECORD),
          Map.entry(BrokerNotAvailableException.class, Kind.BROKER_NOT_AVAILABLE),
          Map.entry(RetriableException.class, Kind.RETRIABLE));

  private static Kind kind(KafkaException e) {
    for (Map.Entry<Class<? extends KafkaException>, Kind> entry : KINDS) {
      if (entry.getKey().isInstance(e)) {
        return entry.getValue();
      }
    }
    return Kind.OTHER;
  }

  /** Whether {@code failure} says the topic does not exist, or could not: its name is not one Kafka takes. */
  static boolean isNoSuchTopic(KafkaFailure failure) {
    return failure.kind == Kind.UNKNOWN_TOPIC_OR_PARTITION || failure.getCause() instanceof InvalidTopicException;
  }
}

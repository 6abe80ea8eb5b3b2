package dev.tributary.produce.record;

import dev.tributary.api.ErrorResponse;
import dev.tributary.api.ProduceResponseData;
import dev.tributary.errors.Errors;
import jakarta.annotation.Nullable;

/**
 * One record's delivery report: where Kafka stored the record, or why it was not produced. The stream
 * adds its cluster and topic when it writes the report.
 *
 * <p>Public because the stream's accounts, one package up, and the report writer, in the package beside
 * this one, read it.
 */
public sealed interface DeliveryReport {

  /** Kafka stored the record. */
  record Produced(
      int partition, long offset, long timestamp, @Nullable ProduceResponseData key, @Nullable ProduceResponseData value)
      implements DeliveryReport {}

  /**
   * An exactly-once stream's record at or below its producer id's committed sequence: it was produced
   * before, so it was not produced again.
   */
  record Duplicate() implements DeliveryReport {}

  /** The one duplicate report: it holds nothing. */
  DeliveryReport DUPLICATE = new Duplicate();

  /** The record was not produced: {@link #body} is its report; {@code failure} also says why, for the log. */
  record Failed(Errors.Failure failure) implements DeliveryReport {
    public ErrorResponse body() {
      return failure.body();
    }
  }

  /** The report of a record that failed with {@code error}. */
  static Failed failed(Throwable error) {
    return new Failed(Errors.toFailure(error));
  }
}

package dev.tributary.produce;

import dev.tributary.api.ErrorResponse;
import dev.tributary.api.ProduceResponseData;
import dev.tributary.errors.Errors;

/**
 * One record's delivery report: where Kafka stored the record, or why it was not produced. The stream
 * adds its cluster and topic when it writes the report ({@link ReportEncoder}).
 */
sealed interface DeliveryReport {

  /** Kafka stored the record. */
  record Produced(int partition, long offset, long timestamp, ProduceResponseData key, ProduceResponseData value)
      implements DeliveryReport {}

  /** The record was not produced: {@link #body} is its report; {@code failure} also says why, for the log. */
  record Failed(Errors.Failure failure) implements DeliveryReport {
    ErrorResponse body() {
      return failure.body();
    }
  }

  /** The report of a record that failed with {@code error}. */
  static Failed failed(Throwable error) {
    return new Failed(Errors.toFailure(error));
  }
}

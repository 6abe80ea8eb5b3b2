package dev.tributary.config;

import java.time.Duration;

/**
 * What bounds one produce stream, as configured: its age, the records it holds, and how long a record
 * may take to arrive.
 *
 * @param maxDuration {@code streaming.connection.max.duration.ms}: after it, records get 408
 * @param gracePeriod {@code streaming.connection.max.duration.grace.period.ms}: then the reading stops
 * @param maxRecordBytes the largest record, in request bytes ({@code api.v3.produce.request.size.limit.max.bytes})
 * @param windowRecords records read but not yet decided ({@code streaming.window.max.records}; see {@link
 *     #exactlyOnce})
 * @param windowBytes the request bytes of those records ({@code streaming.window.max.bytes})
 * @param heldReports reports decided but not yet read by the client ({@code streaming.reports.max.held})
 * @param recordArrivalMillis how long one record may take to arrive ({@code streaming.record.arrival.max.ms})
 */
public record StreamSettings(
    Duration maxDuration,
    Duration gracePeriod,
    long maxRecordBytes,
    long windowRecords,
    long windowBytes,
    long heldReports,
    long recordArrivalMillis) {

  /**
   * The bounds of an exactly-once stream: its window is twice as large, as its records wait for their
   * transaction's commit as well as for Kafka's acknowledgement. While one transaction commits (the
   * producer takes no record then), the next one's records are read into the other half.
   */
  public StreamSettings exactlyOnce() {
    return new StreamSettings(
        maxDuration, gracePeriod, maxRecordBytes, 2 * windowRecords, 2 * windowBytes, heldReports, recordArrivalMillis);
  }
}

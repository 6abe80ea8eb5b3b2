package dev.tributary.kafka;

/**
 * Where Kafka stored a record, once the broker acknowledged it.
 *
 * @param timestamp epoch milliseconds as the broker stored it (the record's own, or log-append time)
 */
public record Delivery(int partition, long offset, long timestamp) {}

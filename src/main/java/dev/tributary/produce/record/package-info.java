/**
 * One record, from its framed tokens to its delivery report: {@link
 * dev.tributary.produce.record.RecordPipeline} reads it as the API document's {@code ProduceRequest}
 * ({@code RecordParser}, a streaming read of the common shapes, data binding for the rest), builds the
 * bytes Kafka stores and checks the topic's rules ({@code RecordBuilder}), spends the rate limits, and
 * sends it through the {@code kafka} package. Every failure is a {@link
 * dev.tributary.produce.record.DeliveryReport}, never a throw.
 *
 * <p>Uses no other room of the endpoint: it knows neither the body nor how reports are written.
 */
package dev.tributary.produce.record;

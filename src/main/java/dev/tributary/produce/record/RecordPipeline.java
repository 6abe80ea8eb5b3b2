package dev.tributary.produce.record;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.RecordSender;
import dev.tributary.kafka.Sender;
import dev.tributary.kafka.TopicRules;
import dev.tributary.limits.ProduceRateLimits;
import jakarta.annotation.Nullable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one framed record into its delivery report: reads it as the API document's {@code
 * ProduceRequest}, builds the bytes Kafka stores, checks them against the topic and the rate limits, and
 * sends them. One instance serves every stream; thread-safe.
 *
 * <p>Every failure is a report, never a throw: a record refused here has its report at once; a record
 * sent has it when Kafka answers, completed on the producer's I/O thread or the sender's timer. Building
 * the report there is a few fields, or the pure error mapping; nothing there logs, blocks or writes.
 *
 * <p>Public because the application builds it and each stream's worker, one package up, calls it.
 */
public final class RecordPipeline {

  private final RecordParser parser;
  private final RecordBuilder builder;
  private final ClusterMetadata metadata;
  private final ProduceRateLimits rateLimits;
  private final boolean traceHeaders;

  /** @param traceHeaders whether a request's trace context goes into its records' headers */
  public RecordPipeline(ObjectMapper mapper, ClusterMetadata metadata, ProduceRateLimits rateLimits, boolean traceHeaders) {
    this.parser = new RecordParser(requireNonNull(mapper, "mapper"));
    this.builder = new RecordBuilder(mapper);
    this.metadata = requireNonNull(metadata, "metadata");
    this.rateLimits = requireNonNull(rateLimits, "rateLimits");
    this.traceHeaders = traceHeaders;
  }

  /**
   * Produces the record {@code tokens} hold to {@code topic} with {@code sender}, carrying its request's
   * {@code trace} context (null if none) in its headers unless that is switched off or the record sets
   * its own, and with the request's span as its producer span's parent. Records produced in order from one thread are stored in that order (see {@link
   * RecordSender#send}).
   */
  public CompletableFuture<DeliveryReport> produce(
      String clusterId, String topic, Sender sender, TokenBuffer tokens, @Nullable TraceContext trace) {
    TopicRules rules = metadata.rules(topic);
    PreparedRecord prepared;
    try {
      prepared = builder.build(topic, parser.read(tokens), rules, traceHeaders || trace == null ? trace : trace.withoutHeaders());
      Integer partition = prepared.record().partition();
      if (partition != null && !metadata.hasPartition(topic, partition)) {
        throw TributaryException.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      // Last: only a record that would be sent spends the rate limits.
      rateLimits.admit(clusterId, prepared.record().payloadBytes());
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.completedFuture(DeliveryReport.failed(e));
    }
    return sender.send(
        prepared.record(),
        rules,
        (stored, error) ->
            error != null
                ? DeliveryReport.failed(error)
                : new DeliveryReport.Produced(
                    stored.partition(), stored.offset(), stored.timestamp(), prepared.key(), prepared.value()));
  }
}

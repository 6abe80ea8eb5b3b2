package dev.tributary.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Where one stream's records go: a request's lease on a shared or pooled producer ({@link SenderLease}),
 * or its own transactional producer ({@link ExactlyOnceSession}).
 */
public interface Sender {

  /**
   * Hands {@code record} to Kafka. Never throws and never blocks: every failure completes the returned
   * future with what {@code answer} makes of it. Records sent from one thread are stored in the order
   * sent, partition by partition. {@code answer} runs on a Kafka client's thread or a timer, so it must
   * be quick (see {@link RecordSender#send}).
   */
  <T> CompletableFuture<T> send(OutgoingRecord record, TopicRules rules, BiFunction<Delivery, Throwable, T> answer);
}

package dev.tributary.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InterruptException;

/** Waiting for an admin call's answer, failing as the boundary does ({@link KafkaFailure}) every way it can. */
final class KafkaFutures {

  private KafkaFutures() {}

  /**
   * Kafka's answer, or its failure as a {@link KafkaFailure}: a wait beyond {@code bound} is a retriable
   * one saying {@code timedOut}, and an interrupt is Kafka's {@link InterruptException}'s (the flag set
   * again).
   */
  static <T> T await(KafkaFuture<T> future, Duration bound, String timedOut) {
    try {
      return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw KafkaFailure.of(e.getCause() instanceof KafkaException kafka ? kafka : new KafkaException(e.getCause()));
    } catch (TimeoutException e) {
      throw KafkaFailure.of(new org.apache.kafka.common.errors.TimeoutException(timedOut));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KafkaFailure.of(new InterruptException(e));
    }
  }
}

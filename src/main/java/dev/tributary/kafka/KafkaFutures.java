package dev.tributary.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InterruptException;

/** Waiting for an admin call's answer, with Kafka's own exception types for every way it can fail. */
final class KafkaFutures {

  private KafkaFutures() {}

  /**
   * Kafka's answer, or Kafka's exception thrown as it is: a failure that is not a {@link KafkaException}
   * is wrapped in one, a wait beyond {@code bound} is Kafka's {@code TimeoutException} saying {@code
   * timedOut}, and an interrupt is Kafka's {@link InterruptException} (the flag set again).
   */
  static <T> T await(KafkaFuture<T> future, Duration bound, String timedOut) {
    try {
      return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException kafka) {
        throw kafka;
      }
      throw new KafkaException(e.getCause());
    } catch (TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException(timedOut);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    }
  }
}

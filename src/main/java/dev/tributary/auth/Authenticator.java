package dev.tributary.auth;

import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.RecordSender;
import dev.tributary.kafka.SenderLease;
import dev.tributary.kafka.SenderPool;

/**
 * Decides who a request produces as: the first step of every API request, before its cluster, topic or
 * body is looked at, so a caller that is not let in learns nothing else.
 */
public interface Authenticator {

  /**
   * The sender this request produces with, held until the lease is closed.
   *
   * @param authorization the request's {@code Authorization} header, or null
   * @throws TributaryException 401 when credentials are required and missing or malformed
   * @throws dev.tributary.kafka.KafkaFailure when Kafka rejects them (kind {@code AUTHENTICATION}: 40101)
   */
  SenderLease authenticate(String authorization);

  /** Whether {@link #authenticate} answers without asking Kafka, so without blocking. */
  default boolean answersAtOnce() {
    return false;
  }

  /** Everyone produces with the proxy's one producer and the credentials configured for it. */
  static Authenticator shared(RecordSender sender) {
    SenderLease lease = SenderLease.shared(sender);
    return new Authenticator() {
      @Override
      public SenderLease authenticate(String authorization) {
        return lease;
      }

      @Override
      public boolean answersAtOnce() {
        return true;
      }
    };
  }

  /** HTTP Basic credentials are the caller's Kafka credentials; {@code pool} holds their producers. */
  static Authenticator basic(SenderPool pool) {
    return new BasicPassThrough(pool);
  }
}

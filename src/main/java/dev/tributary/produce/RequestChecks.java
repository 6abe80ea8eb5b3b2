package dev.tributary.produce;

import static java.util.Objects.requireNonNull;

import dev.tributary.auth.Authenticator;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.SenderLease;
import jakarta.annotation.Nullable;

/**
 * The checks that fail a produce request as a whole, streamed or batched (spec section 4, top level),
 * in their order: Kafka reachable, the caller let in, then its cluster and topic. Thread-safe.
 */
final class RequestChecks {

  private final Authenticator authenticator;
  private final ClusterMetadata metadata;

  RequestChecks(Authenticator authenticator, ClusterMetadata metadata) {
    this.authenticator = requireNonNull(authenticator, "authenticator");
    this.metadata = requireNonNull(metadata, "metadata");
  }

  /**
   * The sender the request produces with, once every check passed; the caller closes it. May ask Kafka
   * (a topic not cached, a principal's first request): off the container's threads unless {@link
   * #answerAtOnce}.
   *
   * @param authorization the request's {@code Authorization} header, or null
   * @throws RuntimeException the failure the request is answered with (401, 404, 503, ...)
   */
  SenderLease pass(String clusterId, String topic, @Nullable String authorization) {
    if (!metadata.reachable()) {
      throw TributaryException.of(ErrorCode.KAFKA_UNREACHABLE, metadata.unreachableReason());
    }
    SenderLease lease = authenticator.authenticate(authorization);
    try {
      if (!metadata.clusterId().equals(clusterId)) {
        throw TributaryException.of(ErrorCode.CLUSTER_NOT_FOUND, clusterId);
      }
      if (metadata.partitions(topic).isEmpty()) {
        throw TributaryException.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      return lease;
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /** Whether {@link #pass} answers from caches for {@code topic}, so without waiting. */
  boolean answerAtOnce(String topic) {
    return authenticator.answersAtOnce() && metadata.answersAtOnce(topic);
  }
}

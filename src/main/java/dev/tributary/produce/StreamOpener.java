package dev.tributary.produce;

import static java.util.Objects.requireNonNull;

import dev.tributary.auth.Authenticator;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.SenderLease;
import dev.tributary.metrics.ProxyMetrics;
import jakarta.annotation.Nullable;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.Locale;

/**
 * Opens produce streams: checks everything that fails a request as a whole (spec section 4, top level),
 * then hands the exchange to a {@link ProduceStream} that answers record by record. One instance serves
 * every request.
 */
public final class StreamOpener {

  private final StreamContext shared;
  private final ProxyMetrics metrics;
  private final Authenticator authenticator;
  private final ClusterMetadata metadata;

  /** @param shared what every stream shares: its settings, record pipeline, mapper, pools and timers */
  public StreamOpener(
      StreamContext shared, Authenticator authenticator, ClusterMetadata metadata, ProxyMetrics metrics) {
    this.shared = requireNonNull(shared, "shared");
    this.authenticator = requireNonNull(authenticator, "authenticator");
    this.metadata = requireNonNull(metadata, "metadata");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /**
   * Checks the request, then streams it on {@code exchange}. Runs on the container's thread, in the
   * dispatch that called the resource method, and returns at once: the reader is registered here, with
   * its gate shut; checks that may ask Kafka (a topic not in the metadata cache, a principal's first
   * request) run on the pool, never on the container's thread, while checks the caches answer run here.
   * A failed check is answered as a whole by the JAX-RS error mapper: missing or rejected credentials
   * (401), a bad charset (400), an unknown cluster or topic (404), Kafka unreachable (503, 50003: at
   * once while the background check finds the cluster silent).
   *
   * @param authorization the request's {@code Authorization} header, or null
   */
  public void open(
      String clusterId,
      String topic,
      @Nullable MediaType contentType,
      @Nullable String authorization,
      Exchange exchange) {
    long startNanos = System.nanoTime();
    AccessLog accessLog = new AccessLog(exchange.request());
    ProduceStream stream;
    try {
      StreamLedger ledger = new StreamLedger(metrics, topic, accessLog, startNanos);
      stream = new ProduceStream(shared, exchange, clusterId, topic, isLatin1(contentType), ledger);
    } catch (IOException | RuntimeException e) {
      accessLog.refused(Errors.toFailure(e).httpStatus(), System.nanoTime() - startNanos);
      exchange.answer(e); // the error mapper reports (and logs) the failure
      return;
    }
    stream.listen();
    Runnable checks =
        () -> {
          SenderLease lease = null;
          try {
            if (!metadata.reachable()) {
              throw TributaryException.of(ErrorCode.KAFKA_UNREACHABLE, metadata.unreachableReason());
            }
            lease = authenticator.authenticate(authorization);
            check(clusterId, topic);
            stream.admit(lease);
          } catch (RuntimeException e) {
            if (lease != null) {
              lease.close();
            }
            stream.refuse(e);
          }
        };
    if (authenticator.answersAtOnce() && metadata.answersAtOnce(topic)) {
      checks.run(); // everything is cached: no hand-off, which a single-record request would feel
    } else {
      shared.pool().execute(checks);
    }
  }

  /** Checks the request's cluster and topic. */
  private void check(String clusterId, String topic) {
    if (!metadata.clusterId().equals(clusterId)) {
      throw TributaryException.of(ErrorCode.CLUSTER_NOT_FOUND, clusterId);
    }
    if (metadata.partitions(topic).isEmpty()) {
      throw TributaryException.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
  }

  /** Whether the body is ISO-8859-1; UTF-8 (the default) is the other charset accepted. */
  private static boolean isLatin1(@Nullable MediaType contentType) {
    String charset =
        contentType == null ? null : contentType.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset == null || charset.equalsIgnoreCase("UTF-8")) {
      return false;
    }
    if (charset.toUpperCase(Locale.ROOT).equals("ISO-8859-1")) {
      return true;
    }
    throw TributaryException.of(ErrorCode.UNSUPPORTED_CHARSET);
  }
}

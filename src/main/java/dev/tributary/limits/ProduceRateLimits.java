package dev.tributary.limits;

import dev.tributary.config.TributaryConfig;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-record produce rate limits (spec section 6): records per second and record bytes per second,
 * for each Kafka cluster and for this whole proxy, as token buckets holding one second's worth.
 *
 * <p>A record takes from all four buckets; if one is empty, what the others gave is given back and the
 * record is refused. A record larger than a bytes limit is always refused. Thread-safe.
 */
public final class ProduceRateLimits {

  /** A bucket, whether it counts records or bytes, and what the client is told when it is empty. */
  private record Limit(Bucket bucket, boolean countsBytes, String exceeded) {
    long tokens(long bytes) {
      return countsBytes ? bytes : 1;
    }
  }

  private final TributaryConfig.RateLimits config;
  private final TimeMeter clock;
  private final Limit globalRecords;
  private final Limit globalBytes;
  private final Map<String, Limit[]> clusters = new ConcurrentHashMap<>();

  public ProduceRateLimits(TributaryConfig.RateLimits config) {
    this(config, TimeMeter.SYSTEM_NANOTIME);
  }

  /** As {@link #ProduceRateLimits(TributaryConfig.RateLimits)}, with buckets refilled by {@code clock}. */
  ProduceRateLimits(TributaryConfig.RateLimits config, TimeMeter clock) {
    this.config = config;
    this.clock = clock;
    this.globalRecords = limit(config.recordsGlobalPerSecond(), false, "records per second for this proxy");
    this.globalBytes = limit(config.bytesGlobalPerSecond(), true, "record bytes per second for this proxy");
  }

  /**
   * Takes one record of {@code bytes} bytes from the limits of {@code clusterId} and of the proxy.
   *
   * @throws TributaryException 429 if any limit is exhausted; the record must then not be produced
   */
  public void admit(String clusterId, long bytes) {
    if (!config.enabled()) {
      return;
    }
    Limit[] cluster = clusters.computeIfAbsent(clusterId, id -> clusterLimits());
    Limit[] all = {cluster[0], globalRecords, cluster[1], globalBytes};
    for (int i = 0; i < all.length; i++) {
      long tokens = all[i].tokens(bytes);
      if (tokens > 0 && !all[i].bucket().tryConsume(tokens)) {
        for (int j = 0; j < i; j++) {
          long taken = all[j].tokens(bytes);
          if (taken > 0) {
            all[j].bucket().addTokens(taken);
          }
        }
        throw TributaryException.of(ErrorCode.RATE_LIMITED, all[i].exceeded());
      }
    }
  }

  private Limit[] clusterLimits() {
    return new Limit[] {
      limit(config.recordsPerSecond(), false, "records per second for this cluster"),
      limit(config.bytesPerSecond(), true, "record bytes per second for this cluster")
    };
  }

  private Limit limit(long perSecond, boolean countsBytes, String unit) {
    Bucket bucket =
        Bucket.builder()
            .withCustomTimePrecision(clock)
            .addLimit(
                Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
            .build();
    return new Limit(bucket, countsBytes, perSecond + " " + unit);
  }
}

package dev.tributary.limits;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tributary.config.TributaryConfig;
import dev.tributary.errors.TributaryException;
import io.github.bucket4j.TimeMeter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProduceRateLimitsTest {

  private static String refused(ProduceRateLimits limits, String cluster, long bytes) {
    return assertThrows(TributaryException.class, () -> limits.admit(cluster, bytes)).getMessage();
  }

  /** A clock the test moves. */
  private static final class ManualClock implements TimeMeter {
    long nanos;

    @Override
    public long currentTimeNanos() {
      return nanos;
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }

  @Test
  void disabledLimitsAdmitEverything() {
    ProduceRateLimits limits = new ProduceRateLimits(new TributaryConfig.RateLimits(false, 1, 1, 1, 1));
    for (int i = 0; i < 100; i++) {
      assertDoesNotThrow(() -> limits.admit("c", 1_000_000), "record " + i);
    }
  }

  @Test
  void aRecordRefusedForBytesGivesItsRecordTokenBack() {
    ProduceRateLimits limits = new ProduceRateLimits(new TributaryConfig.RateLimits(true, 2, 100, 10, 100));
    limits.admit("c", 8);
    assertEquals(
        "Request rate limit exceeded: more than 10 record bytes per second for this cluster.", refused(limits, "c", 8));
    limits.admit("c", 1); // the second record token was given back
    assertEquals(
        "Request rate limit exceeded: more than 2 records per second for this cluster.", refused(limits, "c", 0));
  }

  @Test
  void clustersHaveTheirOwnLimitsAndShareTheProxys() {
    ProduceRateLimits limits = new ProduceRateLimits(new TributaryConfig.RateLimits(true, 1, 2, 1000, 1000));
    limits.admit("a", 1);
    assertEquals("Request rate limit exceeded: more than 1 records per second for this cluster.", refused(limits, "a", 1));
    limits.admit("b", 1);
    assertEquals("Request rate limit exceeded: more than 1 records per second for this cluster.", refused(limits, "b", 1));
    ProduceRateLimits shared = new ProduceRateLimits(new TributaryConfig.RateLimits(true, 5, 2, 1000, 1000));
    shared.admit("a", 1);
    shared.admit("b", 1);
    assertEquals("Request rate limit exceeded: more than 2 records per second for this proxy.", refused(shared, "c", 1));
  }

  @Test
  void tokensComeBackAsTheSecondPasses() {
    ManualClock clock = new ManualClock();
    ProduceRateLimits limits = new ProduceRateLimits(new TributaryConfig.RateLimits(true, 1, 10, 1000, 1000), clock);
    limits.admit("c", 1);
    assertEquals("Request rate limit exceeded: more than 1 records per second for this cluster.", refused(limits, "c", 1));
    clock.nanos = TimeUnit.MILLISECONDS.toNanos(999);
    refused(limits, "c", 1); // not yet a whole token back
    clock.nanos = TimeUnit.SECONDS.toNanos(1);
    assertDoesNotThrow(() -> limits.admit("c", 1));
    refused(limits, "c", 1);
  }
}

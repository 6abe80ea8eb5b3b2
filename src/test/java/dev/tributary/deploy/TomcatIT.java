package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** What Tomcat 10.1 and 11 add to the suite: the README's RateLimitFilter answers 429. */
abstract class TomcatIT extends ConformanceSuite {

  /** The length of the filter's counting buckets: 60 s, as Tomcat rounds it up (ms). */
  private static final long BUCKET_MS = 1L << 16;

  @Test
  @Order(500)
  void aBurstBeyondTheRateLimitFilterGets429WhileAnotherClientGets200() throws Exception {
    // The filter counts in fixed buckets of 65,536 ms since the epoch (the configured 60 s rounded up to
    // a power of two): a burst that crosses into the next bucket starts a new count. Start in a bucket's
    // first part, so the burst (about a second) stays within it.
    long intoBucket = System.currentTimeMillis() % BUCKET_MS;
    if (intoBucket > BUCKET_MS - 10_000) {
      Thread.sleep(BUCKET_MS - intoBucket + 100); // the clock is the thing awaited: the next bucket's start
    }
    List<RawHttp.Reply> replies = new ArrayList<>();
    for (int i = 0; i < 360; i++) {
      replies.add(RawHttp.get("127.0.0.3", server.port(), server.path("/v3/clusters")));
    }
    // Tomcat rounds the bucket's duration up (60 s becomes 65.5 s) and scales the count with it, so: at
    // least the configured 300 pass, then every further request is refused.
    int firstRefused = 0;
    while (firstRefused < replies.size() && replies.get(firstRefused).status() == 200) {
      firstRefused++;
    }
    assertTrue(firstRefused >= 300 && firstRefused < 340, "refusals began after " + firstRefused + " requests");
    for (RawHttp.Reply refused : replies.subList(firstRefused, replies.size())) {
      assertEquals(429, refused.status(), refused.text());
    }
    RawHttp.Reply other = RawHttp.get("127.0.0.4", server.port(), server.path("/v3/clusters"));
    assertEquals(200, other.status(), other.text());
    for (String probe : List.of("/health/live", "/health/ready", "/metrics")) { // not rate-limited
      RawHttp.Reply reply = RawHttp.get("127.0.0.3", server.port(), server.path(probe));
      assertEquals(200, reply.status(), probe + ": " + reply.text());
    }
  }
}

package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** What Tomcat 10.1 and 11 add to the suite: the README's RateLimitFilter answers 429. */
abstract class TomcatIT extends ConformanceSuite {

  @Test
  @Order(500)
  void aBurstBeyondTheRateLimitFilterGets429WhileAnotherClientGets200() throws Exception {
    List<RawHttp.Reply> replies = new ArrayList<>();
    for (int i = 0; i < 360; i++) {
      replies.add(RawHttp.get("127.0.0.3", server.port(), server.path("/health/live")));
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
  }
}

package dev.tributary.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The producer pool behind pass-through authentication: one producer per principal, shared by its
 * connections, never by another password, bounded, and closed when idle (see {@link PassThroughFixture}).
 */
class ProducerPoolTest extends PassThroughFixture {

  @Test
  void aPooledPrincipalsProducerIsNeverUsedWithAnotherPassword() {
    assertEquals(200, post(plain, basic("alice", "alice-secret"), "orders", "warm-up").status());
    Http.Reply wrong = post(plain, basic("alice", "alice-secret-but-wrong"), "orders", "must-not-arrive");
    assertEquals(401, wrong.status());
    assertEquals(FAILED, wrong.body());
  }

  @Test
  void oneProducerServesAPrincipalOnEveryConnection() throws Exception {
    try (TributaryServer server = server("PLAIN", "shared-conn", Map.of())) {
      List<StreamingClient> streams = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          StreamingClient stream =
              StreamingClient.open(
                  "127.0.0.1", server.port(), path("shared"), Map.of("Authorization", basic("p042", "pw-p042")));
          streams.add(stream);
          stream.send(String.format(RECORD, "conn-" + i));
          assertSuccess(stream.readReport(), "shared", broker.endOffset("shared") - 1);
        }
        assertEquals(1, producers("shared-conn"));
      } finally {
        for (StreamingClient stream : streams) {
          stream.close();
        }
      }
    }
  }

  /**
   * A hundred principals through a pool of eight: every record produced as its principal, and eight
   * producers kept. (That there are never more than eight at once, the evicted one closed before the next
   * opens, is counted exactly, producer by producer, in SenderPoolTest.)
   */
  @Test
  void aHundredPrincipalsShareAPoolOfEight() throws Exception {
    long start = broker.endOffset("shared");
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<Http.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String user = principal(i);
        replies.add(clients.submit(() -> post(plain, basic(user, "pw-" + user), "shared", "from-" + user)));
      }
      for (Future<Http.Reply> reply : replies) {
        assertEquals(200, reply.get().status(), reply.get().body());
        assertTrue(reply.get().body().startsWith("{\"error_code\":200,"), reply.get().body());
      }
    } finally {
      clients.shutdown();
    }
    assertEquals(8, producers("plain"));
    List<String> values = values(Environment.consume(broker, "shared", (int) start + 100));
    assertEquals(start + 100, values.size());
  }

  @Test
  void aNewPrincipalGets429WhileEveryPooledProducerIsInUse() throws Exception {
    try (TributaryServer server = server("PLAIN", "tiny", Map.of("authentication.producer.pool.max.size", "2"))) {
      StreamingClient first =
          StreamingClient.open("127.0.0.1", server.port(), path("shared"), Map.of("Authorization", basic("p000", "pw-p000")));
      StreamingClient second =
          StreamingClient.open("127.0.0.1", server.port(), path("shared"), Map.of("Authorization", basic("p001", "pw-p001")));
      first.send(String.format(RECORD, "held-0"));
      second.send(String.format(RECORD, "held-1"));
      assertTrue(first.readReport().startsWith("{\"error_code\":200,"));
      assertTrue(second.readReport().startsWith("{\"error_code\":200,"));

      Http.Reply refused = post(server, basic("p002", "pw-p002"), "shared", "refused");
      assertEquals(429, refused.status());
      assertEquals(
          "{\"error_code\":429,\"message\":\"Request rate limit exceeded: all 2 Kafka producers are in use by"
              + " other principals; retry later\"}",
          refused.body());

      first.end();
      assertEquals(List.of(), first.readAll());
      first.close();
      Http.Reply admitted = post(server, basic("p002", "pw-p002"), "shared", "admitted");
      assertEquals(200, admitted.status(), admitted.body());
      assertTrue(admitted.body().startsWith("{\"error_code\":200,"), admitted.body());
      assertEquals(2, producers("tiny"));
      second.close();
    }
  }

  @Test
  void idleProducersAreClosed() throws Exception {
    try (TributaryServer server =
        server("PLAIN", "idle", Map.of("authentication.producer.pool.idle.timeout.ms", "300"))) {
      assertEquals(200, post(server, basic("alice", "alice-secret"), "orders", "then-idle").status());
      Await.until(
          Duration.ofSeconds(10),
          Duration.ofMillis(50),
          () -> producers("idle") == 0,
          "the idle producer to be closed");
      assertEquals(200, post(server, basic("alice", "alice-secret"), "orders", "back-again").status());
      assertEquals(1, producers("idle"));
    }
  }
}

package dev.tributary.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.TributaryServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows Kafka without waiting for it (issue "Faults", third finding): every probe answers
 * within 100 ms, 503 comes within 2 s of the broker stopping and 200 within 2 s of its return, and
 * liveness stays 200 throughout.
 */
class ReadinessTest {

  /** One probe: when it was sent, what readiness and liveness said, and how long readiness took. */
  private record Probe(long at, int ready, int live, long readyMillis) {}

  @Test
  void probesAnswerAtOnceAndFollowTheBroker() throws Exception {
    List<Probe> probes = new CopyOnWriteArrayList<>();
    AtomicBoolean probing = new AtomicBoolean(true);
    long stoppedAt;
    long backAt;
    try (KafkaBroker broker = KafkaBroker.start();
        TributaryServer server = Environment.startServer(broker, Map.of())) {
      Thread prober =
          new Thread(
              () -> {
                while (probing.get()) {
                  long start = System.nanoTime();
                  int ready = Http.get(server.uri("/health/ready")).status();
                  long took = (System.nanoTime() - start) / 1_000_000;
                  int live = Http.get(server.uri("/health/live")).status();
                  probes.add(new Probe(start, ready, live, took));
                  try {
                    Thread.sleep(25); // the probe period
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "prober");
      server.awaitReady(Duration.ofSeconds(30));
      prober.start();
      Thread.sleep(1_000); // probes while the broker is up
      stoppedAt = System.nanoTime();
      broker.stop();
      Thread.sleep(4_000); // probes while it is down
      broker.restart(); // returns once the broker answers
      backAt = System.nanoTime();
      Thread.sleep(3_000); // probes after its return
      probing.set(false);
      prober.join();
    }

    long slowest = probes.stream().mapToLong(Probe::readyMillis).max().orElseThrow();
    long first503 = probes.stream().filter(p -> p.at() > stoppedAt && p.ready() == 503).mapToLong(Probe::at).min().orElseThrow();
    long first200 = probes.stream().filter(p -> p.at() > backAt && p.ready() == 200).mapToLong(Probe::at).min().orElseThrow();
    System.out.printf(
        "ReadinessTest: %d probes, slowest %d ms, 503 after %d ms, 200 again after %d ms%n",
        probes.size(), slowest, (first503 - stoppedAt) / 1_000_000, (first200 - backAt) / 1_000_000);
    assertTrue(slowest < 100, "a probe took " + slowest + " ms");
    assertTrue(first503 - stoppedAt < 2_000_000_000L, "503 after " + (first503 - stoppedAt) / 1_000_000 + " ms");
    assertTrue(first200 - backAt < 2_000_000_000L, "200 again after " + (first200 - backAt) / 1_000_000 + " ms");
    assertTrue(probes.stream().filter(p -> p.at() < stoppedAt).allMatch(p -> p.ready() == 200), "200 while up");
    assertTrue(probes.stream().filter(p -> p.at() > first200).allMatch(p -> p.ready() == 200), "200 once back");
    assertEquals(List.of(200), probes.stream().map(Probe::live).distinct().toList(), "liveness never depends on Kafka");
  }
}

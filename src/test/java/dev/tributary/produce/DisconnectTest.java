package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Clients that vanish mid-stream leave nothing behind (spec section 5). */
class DisconnectTest {

  private final Environment env = Environment.get();

  @Test
  void fiveHundredVanishedClientsLeaveNoThreadsConnectionsOrMemoryBehind() throws Exception {
    String topic = env.newTopic(1);
    try (TributaryServer server = Environment.startServer(env.broker(), Map.of())) {
      String path = env.recordsPath(topic);
      vanish(server, path, 50); // warm up: classes, pools, buffers
      settle(server);
      long heapBefore = usedHeapAfterGc();

      vanish(server, path, 500);
      settle(server);

      assertEquals(0, server.openConnections(), "every vanished client's exchange is completed");
      assertEquals(List.of(), threadsInStreams(), "no thread is left inside a stream");
      long grown = usedHeapAfterGc() - heapBefore;
      assertTrue(grown < 8 * 1024 * 1024, "heap grew by " + grown / 1024 + " KB after 500 vanished streams");
      assertEquals(550, env.consume(topic, 550).size(), "each client's complete record was still produced");
      Http.Reply reply = Http.post(server.uri(path), "{}");
      assertTrue(reply.lines().get(0).startsWith("{\"error_code\":200,"), reply.body());
    }
  }

  /** {@code count} clients each send one record and half of the next, then drop the connection. */
  private static void vanish(TributaryServer server, String path, int count) throws Exception {
    List<StreamingClient> clients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StreamingClient client = StreamingClient.open(server.port(), path);
      client.send("{\"value\":{\"type\":\"STRING\",\"data\":\"v" + i + "\"}}{\"value\":{\"type\":");
      clients.add(client);
    }
    for (StreamingClient client : clients) {
      client.readReport(); // the complete record was read and sent
      client.abort();
    }
  }

  /** Waits until the server has let go of every connection and every report is out. */
  private static void settle(TributaryServer server) {
    Await.until(
        Duration.ofSeconds(20),
        Duration.ofMillis(100), // a look at every thread's stack is costly
        () -> server.openConnections() + " open connections, threads in streams: " + threadsInStreams(),
        seen -> seen.equals("0 open connections, threads in streams: []"),
        "the server to let go of every connection and every stream");
  }

  /**
   * Threads running stream code now: a stuck stream would hold one here forever. The asking thread is
   * not one, though its stack may hold this test's lambdas, whose classes are in the package.
   */
  private static List<String> threadsInStreams() {
    long asking = Thread.currentThread().getId();
    return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
        .filter(t -> t.getThreadId() != asking)
        .filter(t -> Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().startsWith("dev.tributary.produce.")
            && !f.getClassName().endsWith("Test")))
        .map(t -> t.getThreadName() + " " + t.getThreadState())
        .collect(Collectors.toList());
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      // Three looks 200 ms apart, the least of them taken: nothing says when the heap has settled.
      Thread.sleep(200);
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}

package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Records;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Undeploying while streams are open: each stops reading, every record it read gets its report, and its
 * response ends as HTTP says, so every client learns the fate of every record the server read. A fifth of
 * the streams are exactly-once.
 */
class GracefulStopTest {

  private final Environment env = Environment.get();

  /** One client: sends its records until its response ends; reads its reports meanwhile. */
  private static final class Client {
    final int number;
    final StreamingClient connection;
    final AtomicInteger reports = new AtomicInteger();
    final CompletableFuture<List<String>> lines = new CompletableFuture<>();
    volatile boolean over;

    Client(int number, TributaryServer server, String path, boolean exactlyOnce) throws IOException {
      this.number = number;
      Map<String, String> headers =
          exactlyOnce ? Map.of("Tributary-Producer-Id", "graceful-" + java.util.UUID.randomUUID()) : Map.of();
      connection = StreamingClient.open("127.0.0.1", server.port(), path, headers);
      Thread reader =
          new Thread(
              () -> {
                List<String> read = new ArrayList<>();
                try {
                  String line;
                  while ((line = connection.readReport()) != null) {
                    read.add(line);
                    reports.incrementAndGet();
                  }
                  lines.complete(read);
                } catch (IOException e) {
                  lines.completeExceptionally(e);
                } finally {
                  over = true;
                }
              });
      reader.start();
      Thread sender =
          new Thread(
              () -> {
                try {
                  for (int i = 0; !over; i += 5) {
                    StringBuilder chunk = new StringBuilder();
                    for (int j = i; j < i + 5; j++) {
                      chunk.append(Records.stringValue("s" + number + "-" + j));
                    }
                    connection.send(chunk.toString());
                    Thread.sleep(10); // the pace of a steady producer (500 records/s), not a wait for anything
                  }
                } catch (IOException | InterruptedException e) {
                  // the server stopped reading and closed the connection after the response ended
                }
              });
      sender.start();
    }
  }

  @Test
  void undeployingDuring20StreamsReportsEveryRecordReadAndEndsEachResponse() throws Exception {
    String topic = env.newTopic(4);
    List<Client> clients = new ArrayList<>();
    try (TributaryServer server =
        Environment.startServer(env.broker(), Map.of("shutdown.grace.period.ms", "20000"))) {
      String path = env.recordsPath(topic);
      for (int k = 0; k < 20; k++) {
        clients.add(new Client(k, server, path, k % 5 == 0));
      }
      Await.until(
          Duration.ofSeconds(30),
          () -> clients.stream().allMatch(c -> c.reports.get() >= 20),
          "every stream has reports");
      server.undeploy();
      int total = 0;
      Set<String> reported = new HashSet<>();
      for (Client client : clients) {
        List<String> lines = client.lines.get(30, TimeUnit.SECONDS);
        assertTrue(client.connection.endedCleanly(), "stream " + client.number + " ended with its last chunk");
        assertEquals(200, client.connection.status());
        for (int i = 0; i < lines.size(); i++) {
          assertTrue(lines.get(i).startsWith("{\"error_code\":200,"), "stream " + client.number + ": " + lines.get(i));
          reported.add("s" + client.number + "-" + i);
        }
        total += lines.size();
        client.connection.closeQuietly();
      }
      // Every record in Kafka had its report, and every 200 is in Kafka: the two sets are one.
      Set<String> stored = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> record : env.consumeCommitted(topic, total)) {
        assertTrue(stored.add(new String(record.value(), StandardCharsets.UTF_8)), "once each");
      }
      assertEquals(reported, stored);
    }
  }
}

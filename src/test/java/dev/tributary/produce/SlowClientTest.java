package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A body that trickles in never goes idle (issue "Faults", fourth finding): a record, or the bytes after
 * the last one, still arriving {@code streaming.record.arrival.max.ms} after its first read ends the
 * stream with a 408, and the rest is not read; a full-duplex stream that pauses between records for
 * longer than that is not touched. (Headers that trickle are the container's to stop: see the Jetty
 * deployment test.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientTest {

  private static final long ARRIVAL_MS = 2_000;
  private static final String RECORD = "{\"value\":{\"type\":\"STRING\",\"data\":\"slow\"}}\n";
  private static final String TOO_SLOW =
      "{\"error_code\":408,\"message\":\"Request Timeout: a record took longer than 2000 ms to arrive; it was not"
          + " produced, and the stream ends.\"}";

  private final Environment env = Environment.get();
  private TributaryServer server;
  private String path;

  @BeforeAll
  void start() throws Exception {
    server =
        Environment.startServer(
            env.broker(), Map.of("streaming.record.arrival.max.ms", String.valueOf(ARRIVAL_MS)), 20_000);
    path = env.recordsPath(env.newTopic(1));
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  /** Sends {@code text} a byte every {@code everyMillis}, until it is sent or the server stops reading. */
  private static long trickle(StreamingClient client, String text, long everyMillis) throws Exception {
    long start = System.nanoTime();
    for (char c : text.toCharArray()) {
      try {
        client.send(String.valueOf(c));
      } catch (java.io.IOException e) {
        break; // the server closed the connection
      }
      Thread.sleep(everyMillis); // the trickle itself
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void aTrickledRecordEndsTheStreamWithA408() throws Exception {
    try (StreamingClient client = StreamingClient.open(server.port(), path)) {
      client.send(RECORD);
      assertTrue(client.readReport().startsWith("{\"error_code\":200,"));
      Thread sender = new Thread(() -> {
        try {
          trickle(client, RECORD.repeat(10), 200); // 5 bytes a second: the record takes about 9 s
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      sender.setDaemon(true);
      sender.start();
      long start = System.nanoTime();
      assertEquals(TOO_SLOW, client.readReport());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertNull(client.readReport(), "the stream ends");
      assertTrue(millis >= ARRIVAL_MS && millis < ARRIVAL_MS + 2_000, "408 after " + millis + " ms");
    }
  }

  @Test
  void whitespaceTrickledAsTheFirstThingIsAWholeRequest408() throws Exception {
    try (StreamingClient client = StreamingClient.open(server.port(), path)) {
      Thread sender = new Thread(() -> {
        try {
          trickle(client, " ".repeat(100), 200);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      sender.setDaemon(true);
      sender.start();
      assertEquals(408, client.status());
      assertEquals(TOO_SLOW, client.body());
    }
  }

  @Test
  void aFullDuplexStreamPausingLongerThanTheLimitBetweenRecordsIsNotTouched() throws Exception {
    try (StreamingClient client = StreamingClient.open(server.port(), path)) {
      for (int i = 0; i < 3; i++) {
        client.send(RECORD);
        assertTrue(client.readReport().startsWith("{\"error_code\":200,"), "record " + i);
        Thread.sleep(2 * ARRIVAL_MS); // a pause between records, longer than the arrival limit
      }
      client.send("\n"); // a line end alone, as some clients send it, then a pause
      Thread.sleep(2 * ARRIVAL_MS); // the pause, longer than the arrival limit
      client.send(RECORD.substring(0, 10)); // and a record in two reads
      Thread.sleep(ARRIVAL_MS / 2); // between the two reads, within the arrival limit
      client.send(RECORD.substring(10));
      assertTrue(client.readReport().startsWith("{\"error_code\":200,"), "after the line end and the pause");
      client.end();
      assertNull(client.readReport());
    }
  }
}

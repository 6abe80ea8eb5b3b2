package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.testing.Environment;
import dev.tributary.testing.KafkaCluster;
import dev.tributary.testing.Records;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A partition's leader goes away mid-stream on a three-node cluster (replication factor 3, {@code
 * min.insync.replicas=2}) and comes back (issue "Faults", sixth finding): every record gets exactly one
 * report, every 200 is in Kafka once and in the order sent, and the idempotent producer's retries absorb
 * the leader change, so no record fails.
 *
 * <p>An exactly-once stream to a topic of its own goes through the same leader change beside it; should
 * the change fail a transaction, its client resumes from its first record without a 200, and a
 * read_committed consumer sees each of its records once, in order.
 *
 * <p>The node is stopped as an in-process broker can be: with Kafka's controlled shutdown, which moves
 * its leaderships away first. A {@code kill -9} of a broker process is the single-broker {@link
 * BrokerFailureTest}'s case.
 */
class LeaderFailoverTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEND_EVERY_MICROS = 2_000; // 500 records/s

  @Test
  void theLeaderMovesAndNoRecordIsLostDuplicatedReorderedOrFailed() throws Exception {
    String topic = "failover-" + java.util.UUID.randomUUID();
    List<String> sent = new CopyOnWriteArrayList<>();
    List<Long> sentAt = new CopyOnWriteArrayList<>();
    List<JsonNode> reports = new CopyOnWriteArrayList<>();
    List<Long> answeredAt = new CopyOnWriteArrayList<>();
    long failoverStart;
    long failoverEnd;
    int leader;
    try (KafkaCluster cluster = KafkaCluster.start(3);
        TributaryServer server = TributaryServer.start(0, Map.of("bootstrap.servers", cluster.bootstrapServers()), 30_000)) {
      cluster.createTopic(topic, 1, Map.of("min.insync.replicas", "2"));
      leader = cluster.leader(topic, 0);
      String exactlyOnceTopic = topic + "-eos";
      cluster.createTopicLedBy(exactlyOnceTopic, leader, Map.of("min.insync.replicas", "2"));
      assertEquals(leader, cluster.leader(exactlyOnceTopic, 0), "one node leads both, so both move");
      String path = "/kafka/v3/clusters/" + cluster.clusterId() + "/topics/" + topic + "/records";
      ExactlyOnceWriter exactlyOnce =
          new ExactlyOnceWriter(server, "/kafka/v3/clusters/" + cluster.clusterId() + "/topics/" + exactlyOnceTopic + "/records");
      try (StreamingClient client = StreamingClient.open(server.port(), path)) {
        Thread reader =
            new Thread(
                () -> {
                  try {
                    String line;
                    while ((line = client.readReport()) != null) {
                      answeredAt.add(System.nanoTime());
                      reports.add(JSON.readTree(line));
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                "failover-reader");
        reader.start();
        int[] next = {0};
        send(client, 2_000, next, sent, sentAt);
        failoverStart = System.nanoTime();
        cluster.stop(leader);
        assertNotEquals(leader, cluster.leader(topic, 0), "another node leads the partition");
        send(client, 3_000, next, sent, sentAt);
        cluster.restart(leader);
        send(client, 3_000, next, sent, sentAt);
        cluster.awaitInSync(topic, 3);
        failoverEnd = System.nanoTime();
        send(client, 1_000, next, sent, sentAt);
        client.end();
        reader.join(TimeUnit.SECONDS.toMillis(60));
      }
      int written = exactlyOnce.finish();
      List<String> committed =
          Environment.consume(cluster.bootstrapServers(), exactlyOnceTopic, written, "read_committed").stream()
              .map(r -> new String(r.value(), StandardCharsets.UTF_8))
              .toList();
      assertEquals(ExactlyOnceWriter.values(written), committed, "each exactly-once record once, in order");
      System.out.printf(
          "LeaderFailoverTest: exactly-once, %d records in %d request(s)%n", written, exactlyOnce.requests);
      assertEquals(sent.size(), reports.size(), "one report per record");
      Map<Integer, Integer> codes = new TreeMap<>();
      List<Long> failoverLatencies = new ArrayList<>();
      List<String> produced = new ArrayList<>();
      long lastOffset = -1;
      for (int i = 0; i < sent.size(); i++) {
        JsonNode report = reports.get(i);
        int code = report.get("error_code").asInt();
        codes.merge(code, 1, Integer::sum);
        if (code == 200) {
          long offset = report.get("offset").asLong();
          assertTrue(offset > lastOffset, sent.get(i) + " at offset " + offset + " after " + lastOffset);
          lastOffset = offset;
          produced.add(sent.get(i));
        }
        if (sentAt.get(i) >= failoverStart && sentAt.get(i) <= failoverEnd) {
          failoverLatencies.add(answeredAt.get(i) - sentAt.get(i));
        }
      }
      List<String> stored =
          Environment.consume(cluster.bootstrapServers(), topic, produced.size()).stream()
              .map(r -> new String(r.value(), StandardCharsets.UTF_8))
              .toList();
      assertEquals(produced, stored, "every 200 in Kafka once, in the order sent, and nothing else");
      failoverLatencies.sort(null);
      long p99 = failoverLatencies.get((int) (failoverLatencies.size() * 0.99)) / 1_000_000;
      long max = failoverLatencies.get(failoverLatencies.size() - 1) / 1_000_000;
      System.out.printf(
          "LeaderFailoverTest: %d records, codes %s, during the failover (%d records) p99 %d ms, max %d ms%n",
          sent.size(), codes, failoverLatencies.size(), p99, max);
      assertEquals(Map.of(200, sent.size()), codes, "no record failed over the leader change");
    }
  }

  /**
   * An exactly-once writer: streams {@code e-0}, {@code e-1}, … in chunks of ten every 10 ms until {@link
   * #finish}; should its stream end early (a failed transaction, a cut), it connects again from its first
   * record without a 200, as the README's client does.
   */
  private static final class ExactlyOnceWriter {
    private final TributaryServer server;
    private final String path;
    private final String id = "failover-" + java.util.UUID.randomUUID();
    private final Thread sender;
    private volatile boolean stop;
    private volatile int sent;
    int requests;

    ExactlyOnceWriter(TributaryServer server, String path) {
      this.server = server;
      this.path = path;
      sender = new Thread(this::run, "exactly-once-writer");
      sender.start();
    }

    static List<String> values(int count) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        values.add("e-" + i);
      }
      return values;
    }

    private void run() {
      int done = 0;
      while (true) {
        requests++;
        int from = done;
        java.util.concurrent.atomic.AtomicInteger confirmed = new java.util.concurrent.atomic.AtomicInteger();
        try (StreamingClient client =
            StreamingClient.open(
                "127.0.0.1",
                server.port(),
                path,
                Map.of("Tributary-Producer-Id", id, "Tributary-Sequence", String.valueOf(from)))) {
          Thread reader = client.countConfirmed(confirmed);
          try {
            int i = from;
            while (!stop || i < sent) {
              StringBuilder chunk = new StringBuilder();
              int to = stop ? sent : i + 10;
              for (; i < to; i++) {
                chunk.append(Records.stringValue("e-" + i));
              }
              client.send(chunk.toString());
              sent = Math.max(sent, i);
              if (!stop) {
                Thread.sleep(10); // the writer's pace (1,000 records/s), not a wait for anything
              }
              if (!reader.isAlive()) {
                break; // the stream ended early
              }
            }
            client.end();
          } catch (java.io.IOException | InterruptedException cut) {
            // resumed below
          }
          reader.join(60_000);
        } catch (java.io.IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
        done = from + confirmed.get();
        if (stop && done >= sent) {
          return;
        }
      }
    }

    /** Stops writing new records, sends any not yet confirmed, and returns how many were written. */
    int finish() throws InterruptedException {
      stop = true;
      sender.join(120_000);
      return sent;
    }
  }

  /** Sends one record every {@link #SEND_EVERY_MICROS} for {@code millis}. */
  private static void send(StreamingClient client, long millis, int[] next, List<String> sent, List<Long> sentAt)
      throws Exception {
    long end = System.nanoTime() + millis * 1_000_000;
    long due = System.nanoTime();
    while (due < end) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing the sender, not synchronising
      }
      String value = "r-" + next[0]++;
      sent.add(value);
      sentAt.add(System.nanoTime());
      client.send(Records.stringValueLine(value));
      due += SEND_EVERY_MICROS * 1_000;
    }
  }
}

package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.Records;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The broker goes down mid-stream and comes back (spec section 5, "no silent loss"): every record read
 * gets exactly one report, a 200 only if Kafka has the record, and the deployment recovers by itself.
 */
class BrokerFailureTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Short producer timeouts, so a dead broker is reported in seconds instead of two minutes. */
  private static final Map<String, String> SHORT_TIMEOUTS =
      Map.of(
          "producer.delivery.timeout.ms", "6000",
          "producer.request.timeout.ms", "2000",
          "producer.max.block.ms", "3000",
          "producer.retry.backoff.ms", "100",
          "client.reconnect.backoff.max.ms", "500");

  @Test
  void everyRecordGetsOneReportAndEvery200IsInKafkaExactlyOnce() throws Exception {
    String topic = "failover-" + UUID.randomUUID();
    Map<String, JsonNode> reports = new HashMap<>();
    List<String> sent = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start();
        TributaryServer server = Environment.startServer(broker, SHORT_TIMEOUTS)) {
      broker.createTopic(topic, 1);
      String path = "/kafka/v3/clusters/" + broker.clusterId() + "/topics/" + topic + "/records";
      try (StreamingClient client = StreamingClient.open(server.port(), path)) {
        exchange(client, "before", 10, sent, reports);
        broker.stop();
        exchange(client, "down", 10, sent, reports);
        broker.restart();
        exchange(client, "after", 10, sent, reports);
        client.end();
        assertEquals(List.of(), client.readAll(), "one report per record, no more");
      }

      for (int i = 0; i < 10; i++) {
        assertEquals(200, reports.get("before-" + i).get("error_code").asInt(), reports.get("before-" + i).toString());
        // The broker is down for the whole phase: a retriable failure, reported after the producer's
        // delivery timeout or metadata wait, never a 200 and never silence.
        assertEquals(50003, reports.get("down-" + i).get("error_code").asInt(), "down-" + i + ": " + reports.get("down-" + i));
      }
      assertEquals(
          200, reports.get("after-9").get("error_code").asInt(), "recovered: " + reports.get("after-9"));

      List<ConsumerRecord<byte[], byte[]>> stored = consumeAll(broker, topic);
      Map<String, List<ConsumerRecord<byte[], byte[]>>> byValue =
          stored.stream().collect(Collectors.groupingBy(r -> new String(r.value(), StandardCharsets.UTF_8)));
      byValue.forEach((value, copies) -> assertEquals(1, copies.size(), value + " is stored " + copies.size() + " times"));
      for (String value : sent) {
        JsonNode report = reports.get(value);
        if (report.get("error_code").asInt() == 200) {
          List<ConsumerRecord<byte[], byte[]>> copies = byValue.get(value);
          assertNotNull(copies, value + " was reported 200 but is not in Kafka");
          assertEquals(report.get("offset").asLong(), copies.get(0).offset(), value + " is at another offset");
        }
      }

      // The same deployment serves new streams, without a restart.
      Http.Reply fresh = Http.post(server.uri(path), Records.stringValueLine("fresh"));
      assertTrue(fresh.lines().get(0).startsWith("{\"error_code\":200,"), fresh.body());
    }
  }

  /** Sends {@code count} records one by one, reading each one's report before the next. */
  private static void exchange(
      StreamingClient client, String prefix, int count, List<String> sent, Map<String, JsonNode> reports)
      throws Exception {
    for (int i = 0; i < count; i++) {
      String value = prefix + "-" + i;
      client.send(Records.stringValueLine(value));
      sent.add(value);
      String line = client.readReport();
      assertNotNull(line, "no report for " + value);
      reports.put(value, JSON.readTree(line));
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> consumeAll(KafkaBroker broker, String topic) {
    Map<String, Object> props = Map.of("bootstrap.servers", broker.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      Await.until(
          Duration.ofSeconds(30),
          Duration.ZERO, // the consumer's poll waits
          () -> {
            if (consumer.position(partition) >= end) {
              return true;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return false;
          },
          "the records of " + topic + " up to offset " + end + " to be read");
      return records;
    }
  }
}

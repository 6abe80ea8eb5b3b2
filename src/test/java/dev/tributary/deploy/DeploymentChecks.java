package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.StreamingClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What every real server must do with the built WAR, checked the same way on each. */
final class DeploymentChecks {

  private DeploymentChecks() {}

  /**
   * Streams records full duplex (each report read before the next record is sent), then a bad record,
   * and compares every report with what Kafka stored; then finds the stream's access-log line in the
   * server's log, written through the container's logging.
   */
  static void streamsRecordsEndToEnd(Environment env, String localAddress, int port, Supplier<String> serverLog)
      throws IOException, InterruptedException {
    String topic = env.newTopic(1);
    List<String> values = List.of("one", "two", "three");
    List<String> reports = new ArrayList<>();
    try (StreamingClient client = StreamingClient.open(localAddress, port, env.recordsPath(topic))) {
      for (String value : values) {
        client.send("{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}\n");
        reports.add(client.readReport());
      }
      client.send("{\"value\":{\"type\":\"BINARY\",\"data\":1}}");
      client.end();
      reports.addAll(client.readAll());
      assertEquals(200, client.status());
    }
    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, values.size());
    assertEquals(values.size(), records.size());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = records.get(i);
      assertEquals(values.get(i), new String(record.value(), StandardCharsets.UTF_8));
      expected.add(
          "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
              + "\",\"partition_id\":0,\"offset\":" + record.offset() + ",\"timestamp\":\""
              + Instant.ofEpochMilli(record.timestamp()) + "\",\"value\":{\"type\":\"STRING\",\"size\":"
              + values.get(i).length() + "}}");
    }
    expected.add("{\"error_code\":400,\"message\":\"Bad Request: data=1 is not a base64 string.\"}");
    assertEquals(expected, reports);
    String accessLine =
        localAddress + " \"POST " + env.recordsPath(topic) + "\" 200 records=4 (200:3 400:1) bytes=";
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!serverLog.get().contains(accessLine) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(serverLog.get().contains(accessLine), "no access-log line " + accessLine);
  }

  /**
   * Sends {@code count} GETs as fast as possible from {@code localAddress} and returns their replies.
   */
  static List<RawHttp.Reply> burst(String localAddress, int port, int count) throws IOException {
    List<RawHttp.Reply> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(RawHttp.get(localAddress, port, "/v3/clusters"));
    }
    return replies;
  }
}

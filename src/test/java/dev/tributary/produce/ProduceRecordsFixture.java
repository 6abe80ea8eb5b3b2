package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import java.net.URI;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Produce Records endpoint against a real broker, through the WAR's own web.xml in Jetty: every
 * report is compared as exact JSON, and every produced record is read back from Kafka. The suites
 * extending this share the deployment and these helpers.
 */
abstract class ProduceRecordsFixture {

  final Environment env = Environment.get();

  URI uri(String topic) {
    return env.server().uri(env.recordsPath(topic));
  }

  Http.Reply produce(String topic, String body) {
    Http.Reply reply = Http.post(uri(topic), body);
    assertEquals(200, reply.status(), reply.body());
    return reply;
  }

  ConsumerRecord<byte[], byte[]> single(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, 1);
    assertEquals(1, records.size(), "records in " + topic);
    return records.get(0);
  }

  String success(String topic, ConsumerRecord<byte[], byte[]> record, String key, String value) {
    return env.success(topic, record, key, value);
  }
}

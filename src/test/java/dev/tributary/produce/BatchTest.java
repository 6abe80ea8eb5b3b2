package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testing.Http;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code records:batch} against a real broker: the 207 as exact JSON, each entry as a streamed record,
 * the reference's whole-request errors, and a batch as one transaction with {@code Tributary-Producer-Id}.
 */
class BatchTest extends ProduceRecordsFixture {

  private URI batchUri(String topic) {
    return env.server().uri(env.recordsPath(topic) + ":batch");
  }

  private Http.Reply post(String topic, String body, String... headers) {
    return Http.postWith(batchUri(topic), body, headers);
  }

  private static String entry(String id, String value) {
    return "{\"id\":\"" + id + "\",\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
  }

  private static String batch(String... entries) {
    return "{\"entries\":[" + String.join(",", entries) + "]}";
  }

  private String success(String topic, String id, ConsumerRecord<byte[], byte[]> record, String sequence) {
    return "{\"id\":\"" + id + "\",\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
        + "\",\"partition_id\":" + record.partition() + ",\"offset\":" + record.offset() + ",\"timestamp\":\""
        + java.time.Instant.ofEpochMilli(record.timestamp()) + "\",\"value\":{\"type\":\"STRING\",\"size\":"
        + record.value().length + "}" + sequence + "}";
  }

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList());
  }

  @Test
  void eachEntryIsReportedByItsIdIn207() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        post(
            topic,
            batch(entry("a-1", "one"), "{\"id\":\"b_2\",\"value\":{\"type\":\"BINARY\",\"data\":1}}", entry("c", "three")));
    assertEquals(207, reply.status(), reply.body());
    List<ConsumerRecord<byte[], byte[]>> stored = env.consume(topic, 2);
    assertEquals(List.of("one", "three"), values(stored));
    assertEquals(
        "{\"successes\":[" + success(topic, "a-1", stored.get(0), "") + "," + success(topic, "c", stored.get(1), "")
            + "],\"failures\":[{\"id\":\"b_2\",\"error_code\":400,\"message\":\"Bad Request: data=1 is not a base64"
            + " string.\"}]}",
        reply.body());
  }

  @Test
  void wholeRequestErrorsAre422WithTheReferencesMessages() {
    String topic = env.newTopic(1);
    String tooMany =
        batch(java.util.stream.IntStream.range(0, 11).mapToObj(i -> entry("e" + i, "x")).toArray(String[]::new));
    List<List<String>> cases =
        List.of(
            List.of("", "Request body is empty. Data is required."),
            List.of("{\"entries\":[]}", "Empty batch."),
            List.of("{}", "Empty batch."),
            List.of(tooMany, "Too many entries in batch."),
            List.of(batch(entry("same", "1"), entry("same", "2")), "Batch entry IDs are not distinct."),
            List.of(batch(entry("no spaces", "1")), "Batch entry identifier is not a valid string."),
            List.of(batch(entry("x".repeat(81), "1")), "Batch entry identifier is not a valid string."),
            List.of(batch("{\"id\":1,\"value\":{\"type\":\"STRING\",\"data\":\"1\"}}"), "Batch entry identifier is not a valid string."),
            List.of(batch("{\"value\":{\"type\":\"STRING\",\"data\":\"1\"}}"), "Batch entry identifier is not a valid string."));
    for (List<String> c : cases) {
      Http.Reply reply = post(topic, c.get(0));
      assertEquals(422, reply.status(), c.get(0));
      assertEquals("{\"error_code\":42208,\"message\":\"" + c.get(1) + "\"}", reply.body(), c.get(0));
    }
    Http.Reply notABatch = post(topic, "[1]");
    assertEquals(400, notABatch.status());
    assertEquals(
        "{\"error_code\":400,\"message\":\"Bad Request: a batch is a JSON object with one field, \\\"entries\\\", an"
            + " array of records with an id.\"}",
        notABatch.body());
    assertEquals(List.of(), env.consume(topic, 0));
  }

  @Test
  void anUnknownTopicIs404AsForAStream() {
    Http.Reply reply = post("no-such-topic-" + UUID.randomUUID(), batch(entry("a", "1")));
    assertEquals(404, reply.status());
    assertEquals("{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}", reply.body());
  }

  @Test
  void withAProducerIdABatchIsOneTransactionAndAResendIsDuplicates() {
    String topic = env.newTopic(1);
    String id = "batch-" + UUID.randomUUID();
    Http.Reply first = post(topic, batch(entry("a", "one"), entry("b", "two")), "Tributary-Producer-Id", id);
    assertEquals(207, first.status(), first.body());
    assertEquals("-1", first.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));
    List<ConsumerRecord<byte[], byte[]>> stored = env.consumeCommitted(topic, 2);
    assertEquals(List.of("one", "two"), values(stored));
    assertEquals(
        "{\"successes\":[" + success(topic, "a", stored.get(0), ",\"sequence\":0") + ","
            + success(topic, "b", stored.get(1), ",\"sequence\":1") + "],\"failures\":[]}",
        first.body());
    Http.Reply again =
        post(topic, batch(entry("a", "one"), entry("b", "two")), "Tributary-Producer-Id", id, "Tributary-Sequence", "0");
    assertEquals(207, again.status(), again.body());
    assertEquals("1", again.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));
    String duplicate =
        "{\"id\":\"%s\",\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
            + "\",\"sequence\":%d,\"duplicate\":true}";
    assertEquals(
        "{\"successes\":[" + String.format(duplicate, "a", 0) + "," + String.format(duplicate, "b", 1)
            + "],\"failures\":[]}",
        again.body());
    assertEquals(List.of("one", "two"), values(env.consumeCommitted(topic, 2)));
  }

  @Test
  void withAProducerIdOneRefusedEntryMakesTheWholeBatchInvisible() {
    String topic = env.newTopic(1);
    String id = "batch-" + UUID.randomUUID();
    Http.Reply reply =
        post(
            topic,
            batch(entry("a", "one"), "{\"id\":\"b\",\"value\":{\"type\":\"BINARY\",\"data\":1}}", entry("c", "three")),
            "Tributary-Producer-Id", id);
    assertEquals(207, reply.status(), reply.body());
    String notProduced =
        "Conflict: not produced: entry b of this batch was not produced, and with Tributary-Producer-Id a batch is"
            + " produced whole or not at all.";
    assertEquals(
        "{\"successes\":[],\"failures\":["
            + "{\"id\":\"a\",\"error_code\":40904,\"message\":\"" + notProduced + "\",\"sequence\":0},"
            + "{\"id\":\"b\",\"error_code\":400,\"message\":\"Bad Request: data=1 is not a base64 string.\",\"sequence\":1},"
            + "{\"id\":\"c\",\"error_code\":40904,\"message\":\"" + notProduced + "\",\"sequence\":2}]}",
        reply.body());
    assertEquals(List.of(), values(env.consumeCommitted(topic, 0)));
    Http.Reply next = post(topic, batch(entry("a", "one")), "Tributary-Producer-Id", id);
    assertEquals("-1", next.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null));
  }
}

package dev.tributary.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One real Kafka broker and one Tributary deployment shared by every test in the JVM: both are started
 * on first use and stopped when the JVM exits. Tests isolate themselves with fresh topics.
 */
public final class Environment {

  /** Producer settings every test deployment uses, so the reference's 20 MB record fits. */
  public static final Map<String, String> LARGE_RECORDS =
      Map.of("producer.max.request.size", String.valueOf(25 * 1024 * 1024));

  private static Environment shared;

  private final KafkaBroker broker;
  private final TributaryServer server;

  private Environment(KafkaBroker broker, TributaryServer server) {
    this.broker = broker;
    this.server = server;
  }

  /** The shared environment, started on first call. */
  public static synchronized Environment get() {
    if (shared == null) {
      KafkaBroker broker = KafkaBroker.start();
      TributaryServer server;
      try {
        server = startServer(broker, Map.of());
      } catch (Exception e) {
        broker.close();
        throw new IllegalStateException("Tributary did not start", e);
      }
      shared = new Environment(broker, server);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** Another deployment on the shared broker, with {@code extra} init-parameters. Caller closes it. */
  public static TributaryServer startServer(KafkaBroker broker, Map<String, String> extra)
      throws Exception {
    return startServer(broker, extra, 30_000);
  }

  /** As {@link #startServer(KafkaBroker, Map)}, closing connections idle for {@code idleTimeoutMillis}. */
  public static TributaryServer startServer(
      KafkaBroker broker, Map<String, String> extra, long idleTimeoutMillis) throws Exception {
    Map<String, String> params = new java.util.HashMap<>(LARGE_RECORDS);
    params.put("bootstrap.servers", broker.bootstrapServers());
    params.putAll(extra);
    return TributaryServer.start(0, params, idleTimeoutMillis);
  }

  public KafkaBroker broker() {
    return broker;
  }

  public TributaryServer server() {
    return server;
  }

  /** A new topic with a unique name. */
  public String newTopic(int partitions) {
    return newTopic(partitions, Map.of());
  }

  public String newTopic(int partitions, Map<String, String> configs) {
    String topic = "t-" + UUID.randomUUID();
    broker.createTopic(topic, partitions, configs);
    return topic;
  }

  /** The exact success report for {@code record} of {@code topic}, as read back from Kafka. */
  public String success(String topic, ConsumerRecord<byte[], byte[]> record, String key, String value) {
    return "{\"error_code\":200,\"cluster_id\":\"" + broker().clusterId() + "\",\"topic_name\":\"" + topic
        + "\",\"partition_id\":" + record.partition() + ",\"offset\":" + record.offset()
        + ",\"timestamp\":\"" + java.time.Instant.ofEpochMilli(record.timestamp()) + "\""
        + (key == null ? "" : ",\"key\":" + key)
        + (value == null ? "" : ",\"value\":" + value)
        + "}";
  }

  /** The produce URL path for {@code topic} on the real cluster id. */
  public String recordsPath(String topic) {
    return "/kafka/v3/clusters/" + broker.clusterId() + "/topics/" + topic + "/records";
  }

  /**
   * Every record in {@code topic}, read from the beginning until {@code count} have arrived (and a
   * short while longer, so an extra record is seen too), ordered by partition then offset.
   */
  public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
    return consume(broker, topic, count);
  }

  /** As {@link #consume(String, int)}, from {@code broker}. */
  public static List<ConsumerRecord<byte[], byte[]>> consume(KafkaBroker broker, String topic, int count) {
    return consume(broker.bootstrapServers(), topic, count);
  }

  /** As {@link #consume(String, int)}, from the cluster at {@code bootstrapServers}. */
  public static List<ConsumerRecord<byte[], byte[]>> consume(String bootstrapServers, String topic, int count) {
    return consume(bootstrapServers, topic, count, "read_uncommitted");
  }

  /**
   * As {@link #consume(String, int)}, as a {@code read_committed} consumer: only records of committed
   * transactions (and records written outside any).
   */
  public List<ConsumerRecord<byte[], byte[]>> consumeCommitted(String topic, int count) {
    return consume(broker.bootstrapServers(), topic, count, "read_committed");
  }

  /** As {@link #consume(String, int)}, from {@code bootstrapServers}, with {@code isolation.level} {@code isolation}. */
  public static List<ConsumerRecord<byte[], byte[]>> consume(
      String bootstrapServers, String topic, int count, String isolation) {
    Map<String, Object> props =
        Map.of(
            "bootstrap.servers", bootstrapServers,
            "isolation.level", isolation,
            "max.partition.fetch.bytes", 30 * 1024 * 1024,
            "fetch.max.bytes", 30 * 1024 * 1024);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic);
      List<TopicPartition> assigned =
          partitions.stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toList());
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      // Fewer than count after 30 s are returned as they are: the caller's assertion says what is missing.
      boolean arrived =
          Await.within(
              Duration.ofSeconds(30),
              Duration.ZERO, // the consumer's poll waits
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= count;
              });
      if (arrived) {
        // A watch of fixed length, not a wait for something: an extra record would arrive within it.
        long settle = System.nanoTime() + Duration.ofMillis(300).toNanos();
        while (System.nanoTime() < settle) {
          consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
      }
      records.sort(
          (a, b) ->
              a.partition() != b.partition()
                  ? Integer.compare(a.partition(), b.partition())
                  : Long.compare(a.offset(), b.offset()));
      return records;
    }
  }

  private void close() {
    try {
      server.close();
    } catch (Exception e) {
      // Shutting down anyway.
    }
    broker.close();
  }
}

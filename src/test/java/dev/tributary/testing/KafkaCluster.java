package dev.tributary.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka cluster of several nodes (each a broker and a KRaft controller), started in this JVM on
 * free loopback ports, for failover tests: a node can be stopped and started again on its data.
 */
public final class KafkaCluster implements AutoCloseable {

  private final String clusterId = Uuid.randomUuid().toString();
  private final List<Node> nodes = new ArrayList<>();

  private static final class Node {
    final int id;
    final int brokerPort;
    final int controllerPort;
    final Path dataDir;
    KafkaRaftServer server;

    Node(int id) throws IOException {
      this.id = id;
      this.brokerPort = Ports.freeEphemeral();
      this.controllerPort = Ports.freeEphemeral();
      this.dataDir = Files.createTempDirectory("tributary-kafka-" + id + "-");
    }
  }

  private KafkaCluster() {}

  /** Formats and starts a cluster of {@code size} nodes, ids 1 to {@code size}, and waits for all. */
  public static KafkaCluster start(int size) {
    KafkaCluster cluster = new KafkaCluster();
    try {
      for (int id = 1; id <= size; id++) {
        Node node = new Node(id);
        KafkaBroker.format(node.dataDir, id, cluster.clusterId);
        cluster.nodes.add(node);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A node's start waits for the quorum, which needs the others: start them together.
    CompletableFuture.allOf(
            cluster.nodes.stream().map(node -> CompletableFuture.runAsync(() -> cluster.startNode(node))).toArray(CompletableFuture[]::new))
        .join();
    cluster.awaitBrokers(size);
    return cluster;
  }

  public String clusterId() {
    return clusterId;
  }

  public String bootstrapServers() {
    return nodes.stream().map(node -> "127.0.0.1:" + node.brokerPort).collect(Collectors.joining(","));
  }

  public Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  /**
   * Creates {@code topic} replicated to every node, with {@code configs}, and waits until every
   * partition has a leader and all its replicas in sync.
   */
  public void createTopic(String topic, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) nodes.size()).configs(configs))).all().get();
      awaitInSync(admin, topic, nodes.size());
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Could not create topic " + topic, e);
    }
  }

  /**
   * Creates {@code topic} with one partition replicated to every node, {@code leader} first (so it
   * leads), with {@code configs}, and waits until its replicas are in sync.
   */
  public void createTopicLedBy(String topic, int leader, Map<String, String> configs) {
    List<Integer> replicas = new java.util.ArrayList<>();
    replicas.add(leader);
    for (int id = 1; id <= nodes.size(); id++) {
      if (id != leader) {
        replicas.add(id);
      }
    }
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas)).configs(configs))).all().get();
      awaitInSync(admin, topic, nodes.size());
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Could not create topic " + topic, e);
    }
  }

  /** The node that leads {@code partition} of {@code topic} now. */
  public int leader(String topic, int partition) {
    try (Admin admin = admin()) {
      return describe(admin, topic).partitions().get(partition).leader().id();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until every partition of {@code topic} has {@code replicas} replicas in sync. */
  public void awaitInSync(String topic, int replicas) {
    try (Admin admin = admin()) {
      awaitInSync(admin, topic, replicas);
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitInSync(Admin admin, String topic, int replicas) throws InterruptedException, ExecutionException {
    Await.until(
        Duration.ofSeconds(60),
        Duration.ofMillis(50),
        () -> inSync(admin, topic, replicas),
        "every partition of " + topic + " to have a leader and " + replicas + " replicas in sync");
    int partitions = describe(admin, topic).partitions().size();
    Await.until(
        Duration.ofSeconds(60),
        Duration.ofMillis(50),
        () -> KafkaBroker.leadersAnswer(admin, topic, partitions),
        "the leaders of " + topic + "'s partitions to answer for them");
  }

  /**
   * Whether every partition of {@code topic} has a leader and {@code replicas} replicas in sync, as the
   * metadata says; false while the topic is still unknown.
   */
  private static boolean inSync(Admin admin, String topic, int replicas)
      throws InterruptedException, ExecutionException {
    try {
      List<TopicPartitionInfo> partitions = describe(admin, topic).partitions();
      return partitions.stream()
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty() && p.isr().size() >= replicas);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  private static TopicDescription describe(Admin admin, String topic) throws InterruptedException, ExecutionException {
    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
  }

  /** Stops node {@code id}, keeping its data and ports. */
  public void stop(int id) {
    Node node = nodes.get(id - 1);
    if (node.server != null) {
      node.server.shutdown();
      node.server.awaitShutdown();
      node.server = null;
    }
  }

  /** Starts the stopped node {@code id} again on its data and ports. */
  public void restart(int id) {
    Node node = nodes.get(id - 1);
    if (node.server == null) {
      startNode(node);
    }
  }

  private void startNode(Node node) {
    String voters =
        nodes.stream().map(n -> n.id + "@127.0.0.1:" + n.controllerPort).collect(Collectors.joining(","));
    node.server =
        new KafkaRaftServer(
            KafkaConfig.fromProps(
                KafkaBroker.nodeProperties(node.id, voters, node.brokerPort, node.controllerPort, node.dataDir, nodes.size()),
                false),
            Time.SYSTEM);
    node.server.startup();
  }

  private void awaitBrokers(int count) {
    try (Admin admin = admin()) {
      Await.until(
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          () -> {
            try {
              return admin.describeCluster().nodes().get().size() >= count;
            } catch (ExecutionException notYet) {
              return false;
            }
          },
          "Kafka to start " + count + " brokers");
    }
  }

  /**
   * Stops every node at once: stopped one by one, the last would wait for a controller quorum that is
   * already gone.
   */
  @Override
  public void close() {
    List<Node> running = nodes.stream().filter(node -> node.server != null).toList();
    running.forEach(node -> CompletableFuture.runAsync(node.server::shutdown));
    running.forEach(node -> {
      node.server.awaitShutdown();
      node.server = null;
    });
    for (Node node : nodes) {
      try (Stream<Path> files = Files.walk(node.dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // A temporary directory left behind is not worth failing a test run over.
      }
    }
  }
}

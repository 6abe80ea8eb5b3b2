package dev.tributary.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka (broker and KRaft controller in one process), started in this JVM on free
 * loopback ports with its data in a temporary directory. For tests and the development server.
 */
public final class KafkaBroker implements AutoCloseable {

  private final Path dataDir;
  private final int brokerPort;
  private final int controllerPort;
  private final String clusterId;
  /** Users of the SASL listener, with their PLAIN passwords; empty for a broker without one. */
  private final Map<String, String> plainUsers;
  private final int saslPort;
  private KafkaRaftServer server;

  private KafkaBroker(
      Path dataDir, int brokerPort, int controllerPort, String clusterId, Map<String, String> plainUsers, int saslPort) {
    this.dataDir = dataDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.clusterId = clusterId;
    this.plainUsers = Map.copyOf(plainUsers);
    this.saslPort = saslPort;
  }

  /** Formats a new data directory and starts a broker on it. */
  public static KafkaBroker start() {
    return start(Map.of());
  }

  /**
   * A broker that also has a {@code SASL_PLAINTEXT} listener ({@link #saslBootstrapServers}) taking
   * PLAIN logins of {@code plainUsers} (name to password) and SCRAM-SHA-512 logins of the users {@link
   * #addScramUser} adds, with Kafka's {@code StandardAuthorizer}: a user may do only what an ACL allows.
   * The plain listener ({@link #bootstrapServers}) stays open to tests as a super user.
   */
  public static KafkaBroker startWithSasl(Map<String, String> plainUsers) {
    return start(plainUsers);
  }

  private static KafkaBroker start(Map<String, String> plainUsers) {
    try {
      KafkaBroker broker =
          new KafkaBroker(
              Files.createTempDirectory("tributary-kafka-"),
              Ports.freeEphemeral(),
              Ports.freeEphemeral(),
              Uuid.randomUuid().toString(),
              plainUsers,
              plainUsers.isEmpty() ? -1 : Ports.freeEphemeral());
      broker.format();
      broker.startServer();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The listener without authentication; on a SASL broker its callers are super users. */
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** The {@code SASL_PLAINTEXT} listener of a broker started with {@link #startWithSasl}. */
  public String saslBootstrapServers() {
    if (saslPort < 0) {
      throw new IllegalStateException("This broker has no SASL listener");
    }
    return "127.0.0.1:" + saslPort;
  }

  /** Adds (or changes) a SCRAM-SHA-512 user, and waits until the broker accepts its login. */
  public void addScramUser(String user, String password) {
    try (Admin admin = admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
          .all()
          .get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Could not add SCRAM user " + user, e);
    }
    awaitLogin(
        Map.of(
            "security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";"));
  }

  /** Lets {@code user} write (and so describe) {@code topics}; waits until the broker enforces it. */
  public void allowWrite(String user, String... topics) {
    allow(user, AclOperation.WRITE, topics);
  }

  /** Lets {@code user} do {@code operation} on {@code topics} ("*" for all); waits until it is in force. */
  public void allow(String user, AclOperation operation, String... topics) {
    allow(List.of(user), operation, topics);
  }

  /** Lets each of {@code users} do {@code operation} on {@code topics}; waits until it is in force. */
  public void allow(List<String> users, AclOperation operation, String... topics) {
    List<AclBinding> bindings = new java.util.ArrayList<>();
    for (String user : users) {
      for (String topic : topics) {
        bindings.add(
            new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
      }
    }
    allow(bindings);
  }

  /** Lets {@code user} do {@code operation} on every {@code type} resource named {@code prefix}…; waits until it is in force. */
  public void allowPrefixed(String user, ResourceType type, String prefix, AclOperation operation) {
    allow(
        List.of(
            new AclBinding(
                new ResourcePattern(type, prefix, PatternType.PREFIXED),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW))));
  }

  private void allow(List<AclBinding> bindings) {
    try (Admin admin = admin()) {
      admin.createAcls(bindings).all().get();
      // The broker answers DescribeAcls from its own authorizer (StandardAuthorizer.acls), out of the same
      // data its authorize() decides on: once the ACLs are listed, they are in force.
      Await.until(
          Duration.ofSeconds(30),
          Duration.ofMillis(20),
          () -> admin.describeAcls(AclBindingFilter.ANY).values().get().containsAll(bindings),
          "the broker's authorizer to hold the new ACLs");
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Could not create ACLs", e);
    }
  }

  private void awaitLogin(Map<String, Object> security) {
    Map<String, Object> props = new HashMap<>(security);
    props.put("bootstrap.servers", saslBootstrapServers());
    Await.until(
        Duration.ofSeconds(30),
        () -> {
          try (Admin admin = Admin.create(props)) {
            return failureOf(admin.describeCluster().clusterId());
          }
        },
        failure -> failure == null,
        "the broker to accept the login");
  }

  /** What {@code future} failed with, or null once it succeeds: a look that shows why a wait goes on. */
  private static Throwable failureOf(KafkaFuture<?> future) throws InterruptedException {
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** The id Kafka reports for this cluster (the one in produce URLs). */
  public String clusterId() {
    return clusterId;
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions and the given topic configs, and waits
   * until every partition has a leader: a producer writing in a partition's first moments can get
   * NOT_LEADER_OR_FOLLOWER and then loop on OUT_OF_ORDER_SEQUENCE until its delivery timeout.
   */
  public void createTopic(String topic, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
          .all()
          .get();
      Await.until(
          Duration.ofSeconds(30),
          Duration.ofMillis(20),
          () -> hasLeaders(admin, topic),
          "every partition of " + topic + " to have a leader");
      Await.until(
          Duration.ofSeconds(30),
          Duration.ofMillis(20),
          () -> leadersAnswer(admin, topic, partitions),
          "the leaders of " + topic + "'s partitions to answer for them");
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Could not create topic " + topic, e);
    }
  }

  /** Whether every partition of {@code topic} has a leader; false while the topic is still unknown. */
  private static boolean hasLeaders(Admin admin, String topic) throws InterruptedException, ExecutionException {
    try {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Whether the leader of each of {@code topic}'s first {@code partitions} partitions answers for it: the
   * metadata names a leader just before that broker's replica manager takes the partition over, and a
   * record sent in between gets NOT_LEADER_OR_FOLLOWER. ListOffsets is served by the leader's replica
   * manager, and writes nothing to the topic.
   */
  static boolean leadersAnswer(Admin admin, String topic, int partitions)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    for (int partition = 0; partition < partitions; partition++) {
      ends.put(new TopicPartition(topic, partition), OffsetSpec.latest());
    }
    try {
      admin.listOffsets(ends).all().get();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException) {
        return false;
      }
      throw e;
    }
  }

  public void createTopic(String topic, int partitions) {
    createTopic(topic, partitions, Map.of());
  }

  /** The next offset of {@code topic}'s partition 0. */
  public long endOffset(String topic) {
    TopicPartition partition = new TopicPartition(topic, 0);
    try (Admin admin = admin()) {
      return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Could not read the end of " + topic, e);
    }
  }

  public Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  private void format() throws IOException {
    format(dataDir, 1, clusterId);
  }

  /** Formats {@code dataDir} as KRaft node {@code nodeId} of cluster {@code clusterId}. */
  static void format(Path dataDir, int nodeId, String clusterId) throws IOException {
    Formatter formatter =
        new Formatter()
            .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
            .setNodeId(nodeId)
            .setClusterId(clusterId)
            .addDirectory(dataDir.toString())
            .setMetadataLogDirectory(dataDir.toString())
            .setControllerListenerName("CONTROLLER")
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setSupportedFeatures(Feature.PRODUCTION_FEATURES);
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException("Could not format " + dataDir, e);
    }
  }

  private void startServer() {
    Properties props = nodeProperties(1, "1@127.0.0.1:" + controllerPort, brokerPort, controllerPort, dataDir, 1);
    if (saslPort > 0) {
      addSaslListener(props);
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    awaitReady();
  }

  /**
   * The settings of one node (broker and KRaft controller in one) of a cluster of {@code nodes}, whose
   * controllers are {@code voters}; internal topics replicated to every node.
   */
  static Properties nodeProperties(
      int nodeId, String voters, int brokerPort, int controllerPort, Path dataDir, int nodes) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(nodeId));
    props.put("controller.quorum.voters", voters);
    props.put("controller.listener.names", "CONTROLLER");
    props.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dataDir.toString());
    props.put("num.partitions", "1");
    props.put("auto.create.topics.enable", "false");
    String replicas = String.valueOf(nodes);
    props.put("offsets.topic.replication.factor", replicas);
    props.put("transaction.state.log.replication.factor", replicas);
    props.put("transaction.state.log.min.isr", "1");
    // Kafka's 50 partitions each for transactions and group offsets are many leaderships to create, and to
    // move when a node stops, on two cores; a few serve the tests' exactly-once streams as well.
    props.put("transaction.state.log.num.partitions", "3");
    props.put("offsets.topic.num.partitions", "3");
    props.put("share.coordinator.state.topic.replication.factor", replicas);
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // Enforce topic retention within seconds, so a load test's disk use stays near its retention.bytes.
    props.put("log.retention.check.interval.ms", "2000");
    props.put("log.segment.delete.delay.ms", "1000");
    // Large enough for the reference's 20 MB record case; topics opt in with max.message.bytes.
    props.put("socket.request.max.bytes", String.valueOf(200 * 1024 * 1024));
    // Client quotas measured over 2 s rather than 11: a test sees a quota hold within seconds instead of
    // after a first burst of ten seconds' worth of bytes.
    props.put("quota.window.num", "2");
    props.put("quota.window.size.seconds", "1");
    return props;
  }

  private void addSaslListener(Properties props) {
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
            + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put(
        "advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
    StringBuilder users = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
    plainUsers.forEach((user, password) -> users.append(" user_").append(user).append("=\"").append(password).append('"'));
    props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", users.append(';').toString());
    props.put(
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    // Clients re-authenticate every few seconds, so a changed password takes effect on open connections.
    props.put("listener.name.sasl_plaintext.connections.max.reauth.ms", "3000");
    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    // The plain listener and the controller: the tests' own clients and the broker itself.
    props.put("super.users", "User:ANONYMOUS");
  }

  private void awaitReady() {
    try (Admin admin = admin()) {
      Await.until(
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          () -> failureOf(admin.describeCluster().nodes()),
          failure -> failure == null,
          "Kafka to start");
    }
  }

  /** Stops the broker, keeping its data and ports, as if its machine went down. */
  public void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts the stopped broker again on the same data and ports. */
  public void restart() {
    if (server == null) {
      startServer();
    }
  }

  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing a test run over.
    }
  }
}

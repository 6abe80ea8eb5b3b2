package dev.tributary.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What this proxy knows about the Kafka cluster: its id, and each topic's partition count and maximum
 * record batch size.
 *
 * <p>Why this exists: the producer learns about a topic by waiting for it, for up to {@code
 * max.block.ms} (60 s by default), which is how the reference hangs on a typo. Asking the Admin client
 * answers "no such topic" in milliseconds. Partition counts are cached; a miss (an unknown topic, or a
 * partition beyond the cached count) refreshes the entry, at most once per {@link #REFRESH_BACKOFF} per
 * topic, so a stream of bad partition ids cannot flood the brokers. Thread-safe.
 */
public final class ClusterMetadata implements AutoCloseable {

  /** How long one metadata request may take before the caller gets Kafka's timeout error. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** A cached partition count older than this is refreshed on its next use (partitions can be added). */
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  /** The shortest time between two refreshes of one topic caused by misses. */
  static final Duration REFRESH_BACKOFF = Duration.ofSeconds(1);

  private final Admin admin;
  private final LongSupplier nanoTime;
  private final ClusterMonitor monitor;
  private final Map<String, Topic> topics = new ConcurrentHashMap<>();
  private volatile String clusterId;

  /** What is cached of a topic: its partition count and what its broker refuses of one record. */
  private record Topic(int partitions, TopicRules rules, long fetchedAt) {}

  /**
   * Metadata read through a new {@link Admin} client built from {@code properties}; whether the cluster
   * answers is asked in the background on {@code timer} (see {@link ClusterMonitor}).
   */
  public static ClusterMetadata create(Map<String, Object> properties, ScheduledExecutorService timer) {
    return new ClusterMetadata(Admin.create(properties), timer, System::nanoTime);
  }

  ClusterMetadata(Admin admin, ScheduledExecutorService timer, LongSupplier nanoTime) {
    this.admin = admin;
    this.nanoTime = nanoTime;
    this.monitor =
        new ClusterMonitor(
            admin,
            timer,
            nanoTime,
            id -> {
              if (clusterId == null) {
                clusterId = id;
              }
            });
  }

  /** Whether the cluster answered recently: a stream opened while it does not is refused at once. */
  public boolean reachable() {
    return monitor.reachable();
  }

  /** Why the cluster counts as unreachable, in one line (for error messages). */
  public String unreachableReason() {
    return monitor.problem();
  }

  /**
   * The last background answer, at once: reachable (with the broker count) only if the cluster answered
   * within the last 1.5 s; otherwise why not.
   */
  public Health health() {
    ClusterMonitor.Health health = monitor.health();
    return new Health(health.reachable(), health.brokers(), health.problem());
  }

  /** What {@link #health} says. */
  public record Health(boolean reachable, int brokers, String problem) {}

  /**
   * The cluster's id, asked of Kafka once and then remembered (a cluster's id never changes).
   *
   * @throws KafkaFailure if Kafka cannot be asked, e.g. a timeout while the brokers are down
   */
  public String clusterId() {
    String id = clusterId;
    if (id == null) {
      if (!monitor.reachable()) {
        throw KafkaFailure.unreachable(monitor.problem());
      }
      id =
          await(
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs((int) REQUEST_TIMEOUT.toMillis()))
                  .clusterId());
      clusterId = id;
    }
    return id;
  }

  /**
   * The number of partitions of {@code topic}, or empty if it does not exist. Refreshes on a miss.
   *
   * @throws KafkaFailure if Kafka cannot be asked, or denies the caller
   */
  public OptionalInt partitions(String topic) {
    if (!isLegalName(topic)) {
      return OptionalInt.empty(); // no such topic can exist: nothing to ask Kafka
    }
    Topic cached = topics.get(topic);
    if (cached != null && nanoTime.getAsLong() - cached.fetchedAt() < MAX_AGE.toNanos()) {
      return OptionalInt.of(cached.partitions());
    }
    return refresh(topic);
  }

  /**
   * What {@code topic}'s broker refuses of a single record, as last fetched with its partition count
   * (and so as fresh as {@link #MAX_AGE}); {@link TopicRules#UNKNOWN} if not known.
   */
  public TopicRules rules(String topic) {
    Topic cached = topics.get(topic);
    return cached == null ? TopicRules.UNKNOWN : cached.rules();
  }

  /**
   * Whether {@link #clusterId} and {@link #partitions} for {@code topic} would answer from the cache,
   * without asking Kafka (so without blocking).
   */
  public boolean answersAtOnce(String topic) {
    Topic cached = topics.get(topic);
    return clusterId != null
        && (!isLegalName(topic) || cached != null && nanoTime.getAsLong() - cached.fetchedAt() < MAX_AGE.toNanos());
  }

  /**
   * Whether Kafka allows {@code topic} as a topic name: 1 to 249 of {@code a-z A-Z 0-9 . _ -}, and not
   * {@code .} or {@code ..} (Kafka's documented rule). Another name names no topic: asking Kafka about
   * it only earns an {@code InvalidTopicException}.
   */
  static boolean isLegalName(String topic) {
    if (topic.isEmpty() || topic.length() > 249 || topic.equals(".") || topic.equals("..")) {
      return false;
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code topic} has partition {@code partition}, refreshing a cached count that says no, at
   * most once per {@link #REFRESH_BACKOFF}.
   */
  public boolean hasPartition(String topic, int partition) {
    OptionalInt count = partitions(topic);
    if (count.isPresent() && partition < count.getAsInt()) {
      return true;
    }
    Topic cached = topics.get(topic);
    if (cached != null && nanoTime.getAsLong() - cached.fetchedAt() < REFRESH_BACKOFF.toNanos()) {
      return false;
    }
    OptionalInt refreshed = refresh(topic);
    return refreshed.isPresent() && partition < refreshed.getAsInt();
  }

  private OptionalInt refresh(String topic) {
    if (!monitor.reachable()) {
      // Asking would only wait for the request timeout: the cluster has not answered for a while.
      throw KafkaFailure.unreachable(monitor.problem());
    }
    int timeout = (int) REQUEST_TIMEOUT.toMillis();
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    KafkaFuture<Config> config =
        admin
            .describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs(timeout))
            .values()
            .get(resource);
    TopicDescription description;
    try {
      description =
          await(
              admin
                  .describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeout))
                  .topicNameValues()
                  .get(topic));
    } catch (KafkaFailure e) {
      if (!KafkaFailure.isNoSuchTopic(e)) {
        throw e;
      }
      topics.remove(topic);
      return OptionalInt.empty();
    }
    int partitions = description.partitions().size();
    topics.put(topic, new Topic(partitions, rules(config), nanoTime.getAsLong()));
    return OptionalInt.of(partitions);
  }

  private static TopicRules rules(KafkaFuture<Config> config) {
    try {
      Map<String, String> values = new HashMap<>();
      for (ConfigEntry entry : await(config).entries()) {
        if (entry.value() != null) {
          values.put(entry.name(), entry.value());
        }
      }
      return TopicRules.of(values);
    } catch (KafkaFailure e) {
      // Not allowed to read topic configs, say: the broker still enforces its rules.
      return TopicRules.UNKNOWN;
    }
  }

  /** Kafka's answer, or its failure (see {@link KafkaFutures#await}). */
  private static <T> T await(KafkaFuture<T> future) {
    // The admin call has its own timeout; this bound only guards against a lost answer.
    return KafkaFutures.await(future, REQUEST_TIMEOUT.multipliedBy(2), "Timed out waiting for Kafka metadata");
  }

  @Override
  public void close() {
    monitor.close();
    admin.close(Duration.ofSeconds(5));
  }
}

package dev.tributary.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Proves a caller's credentials before a producer is built for them: logs in with a short-lived Admin
 * client and asks for the cluster id, which any authenticated principal may read.
 *
 * <p>Why not the producer itself: a producer connects only when it needs a topic's metadata, and a
 * topic the caller has no right to see would make it wait {@code max.block.ms}. The Admin client fails
 * at once with Kafka's {@code AuthenticationException} on bad credentials, and needs no topic, so a
 * caller with wrong credentials learns nothing about which topics exist.
 */
final class CredentialCheck {

  private CredentialCheck() {}

  /**
   * Logs in with {@code properties} (which carry the caller's {@code sasl.jaas.config}).
   *
   * @throws KafkaFailure Kafka's reason the login or the request failed: an authentication failure, or a
   *     retriable one when Kafka did not answer in {@code timeout}
   */
  static void verify(Map<String, Object> properties, Duration timeout) {
    try (Admin admin = Admin.create(properties)) {
      KafkaFutures.await(
          admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId(),
          timeout.plusSeconds(1),
          "Kafka did not answer within " + timeout);
    } catch (KafkaException e) {
      throw KafkaFailure.of(e); // the admin client's own, e.g. a login it could not even start
    }
  }
}

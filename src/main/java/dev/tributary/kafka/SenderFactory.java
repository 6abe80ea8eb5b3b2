package dev.tributary.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Makes a principal's producer for the {@link SenderPool}: proves its credentials first (see {@link
 * CredentialCheck}), then opens a producer that logs in with them. Each producer's {@code client.id} is
 * the configured one and a sequence number, so metrics and logs never name a principal. Thread-safe.
 */
final class SenderFactory {

  private final Map<String, Object> producerProperties;
  private final Map<String, Object> checkProperties;
  private final String mechanism;
  private final Function<Map<String, Object>, RecordSender> open;
  private final BiConsumer<Map<String, Object>, Duration> check;
  private final String clientIdPrefix;
  private final AtomicLong clientIds = new AtomicLong();

  /**
   * @param checkProperties the Admin client settings credentials are proven with
   * @param open opens a sender with the given producer settings
   * @param check proves a login with the given Admin settings within the timeout, or throws Kafka's reason
   */
  SenderFactory(
      Map<String, Object> producerProperties,
      Map<String, Object> checkProperties,
      String mechanism,
      Function<Map<String, Object>, RecordSender> open,
      BiConsumer<Map<String, Object>, Duration> check) {
    this.producerProperties = Map.copyOf(producerProperties);
    this.checkProperties = Map.copyOf(checkProperties);
    this.mechanism = mechanism;
    this.open = open;
    this.check = check;
    Object clientId = producerProperties.get("client.id");
    this.clientIdPrefix = (clientId == null || clientId.toString().isBlank() ? "tributary" : clientId) + "-";
  }

  /**
   * Real Kafka producers and credential checks.
   *
   * @param producerProperties every producer's settings; each gets the caller's {@code sasl.jaas.config}
   *     and its own {@code client.id}
   * @param adminProperties the Admin client settings credentials are proven with; the producer's {@code
   *     security.*}, {@code sasl.*} and {@code ssl.*} settings are applied over them
   * @param drainer offers each producer the records it could not take at once (see {@link RecordSender})
   * @param timer times those offers
   * @param reachable whether the cluster answers now
   * @param metrics publishes each producer's own metrics while it is open
   */
  static SenderFactory create(
      Map<String, Object> producerProperties, Map<String, Object> adminProperties, String mechanism,
      Executor drainer, ScheduledExecutorService timer, BooleanSupplier reachable, RecordSender.MetricsBinder metrics) {
    return new SenderFactory(
        producerProperties,
        withSecurity(adminProperties, producerProperties),
        mechanism,
        properties -> RecordSender.create(properties, metrics, timer, drainer, reachable),
        CredentialCheck::verify);
  }

  /**
   * {@code adminProperties} with the producer's {@code security.*}, {@code sasl.*} and {@code ssl.*}
   * settings over them: an Admin client that logs in as a caller does so as the caller's producer does.
   */
  static Map<String, Object> withSecurity(Map<String, Object> adminProperties, Map<String, Object> producerProperties) {
    Map<String, Object> login = new HashMap<>(adminProperties);
    producerProperties.forEach(
        (key, value) -> {
          if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
            login.put(key, value);
          }
        });
    return Map.copyOf(login);
  }

  /**
   * A sender that produces as {@code credentials}, once Kafka accepted them. May wait for Kafka (at most
   * {@link ClusterMetadata#REQUEST_TIMEOUT}).
   */
  RecordSender open(KafkaCredentials credentials) {
    String jaas = credentials.jaasConfig(mechanism);
    Map<String, Object> login = new HashMap<>(checkProperties);
    login.put("sasl.jaas.config", jaas);
    check.accept(login, ClusterMetadata.REQUEST_TIMEOUT);
    Map<String, Object> properties = new HashMap<>(producerProperties);
    properties.put("sasl.jaas.config", jaas);
    properties.put("client.id", clientIdPrefix + clientIds.incrementAndGet());
    return open.apply(properties);
  }
}

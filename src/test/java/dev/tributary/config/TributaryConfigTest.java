package dev.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TributaryConfigTest {

  /** As the application loads it: init-parameters, system properties, TRIBUTARY_*, then KAFKA_REST_*. */
  private static TributaryConfig load(
      Map<String, String> init, Map<String, String> properties, Map<String, String> environment) {
    return TributaryConfig.load(
        List.of(
            ConfigSource.of(init),
            ConfigSource.systemProperties(properties),
            ConfigSource.environment(environment),
            ConfigSource.environment(environment, "KAFKA_REST_")));
  }

  @Test
  void confluentsEnvironmentVariablesAreReadAfterTributarysOwn() {
    Map<String, String> confluent =
        Map.of("KAFKA_REST_BOOTSTRAP_SERVERS", "confluent:9092", "KAFKA_REST_PRODUCER_LINGER_MS", "9");
    TributaryConfig config = load(Map.of(), Map.of(), confluent);
    assertEquals("confluent:9092", config.bootstrapServers());
    assertEquals("9", config.producerProperties().get("linger.ms"));
    Map<String, String> both = new java.util.HashMap<>(confluent);
    both.put("TRIBUTARY_BOOTSTRAP_SERVERS", "tributary:9092");
    assertEquals("tributary:9092", load(Map.of(), Map.of(), both).bootstrapServers());
  }

  @Test
  void aSizeLimitOfZeroOrLessMeansNoLimitOfTheProxysOwnAsInConfluent() {
    for (String limit : List.of("0", "-1")) {
      TributaryConfig config =
          load(
              Map.of(
                  "bootstrap.servers", "b:9092",
                  "api.v3.produce.request.size.limit.max.bytes", limit,
                  "producer.max.request.size", "1000"),
              Map.of(),
              Map.of());
      assertEquals(2000, config.stream().maxRecordBytes(), "what a record Kafka could take can need, limit " + limit);
    }
  }

  @Test
  void adminSettingsReachTheAdminClientOverClientSettings() {
    TributaryConfig config =
        load(
            Map.of(
                "bootstrap.servers", "b:9092",
                "client.request.timeout.ms", "1000",
                "admin.request.timeout.ms", "2000",
                "admin.retries", "3"),
            Map.of(),
            Map.of());
    assertEquals("2000", config.adminProperties().get("request.timeout.ms"));
    assertEquals("3", config.adminProperties().get("retries"));
    assertEquals(null, config.producerProperties().get("retries"), "admin.* is the admin client's alone");
  }

  @Test
  void unknownKeysUnderTheProxysPrefixesAreNamedWithTheNearestKnownKey() {
    TributaryConfig config =
        load(
            Map.of("bootstrap.servers", "b:9092", "api.v3.produce.rate.limit.enable", "true"),
            Map.of("tributary.streaming.window.max.record", "5"),
            Map.of("TRIBUTARY_METRICS_TOPICS_MAX", "3", "KAFKA_REST_HOST_NAME", "ignored: not under our prefixes"));
    assertEquals(
        List.of(
            "Unknown setting api.v3.produce.rate.limit.enable is ignored; did you mean api.v3.produce.rate.limit.enabled?",
            "Unknown setting streaming.window.max.record is ignored; did you mean streaming.window.max.records?"),
        config.warnings());
  }

  @Test
  void initParameterWinsOverSystemPropertyWhichWinsOverEnvironment() {
    Map<String, String> env = Map.of("TRIBUTARY_BOOTSTRAP_SERVERS", "env:9092");
    Map<String, String> props = Map.of("tributary.bootstrap.servers", "prop:9092");
    Map<String, String> init = Map.of("bootstrap.servers", "init:9092");

    assertEquals("env:9092", load(Map.of(), Map.of(), env).bootstrapServers());
    assertEquals("prop:9092", load(Map.of(), props, env).bootstrapServers());
    assertEquals("init:9092", load(init, props, env).bootstrapServers());
  }

  @Test
  void environmentVariableNamesAreUpperCaseWithUnderscores() {
    TributaryConfig config =
        load(
            Map.of(),
            Map.of(),
            Map.of(
                "TRIBUTARY_BOOTSTRAP_SERVERS", "b:9092",
                "TRIBUTARY_STREAMING_CONNECTION_MAX_DURATION_MS", "1000",
                "TRIBUTARY_PRODUCER_LINGER_MS", "7"));
    assertEquals(Duration.ofSeconds(1), config.stream().maxDuration());
    assertEquals("7", config.producerProperties().get("linger.ms"));
  }

  @Test
  void producerDefaultsAreAcksAllAndIdempotent() {
    TributaryConfig config = load(Map.of("bootstrap.servers", "b:9092"), Map.of(), Map.of());
    assertEquals(
        Map.of("bootstrap.servers", "b:9092", "acks", "all", "enable.idempotence", "true"),
        config.producerProperties());
    assertEquals(Map.of("bootstrap.servers", "b:9092"), config.adminProperties());
    assertEquals(Duration.ofHours(24), config.stream().maxDuration());
    assertEquals(Duration.ofMillis(500), config.stream().gracePeriod());
  }

  @Test
  void producerAndClientPrefixesPassThroughWithTheMoreSpecificWinning() {
    TributaryConfig config =
        load(
            Map.of(
                "bootstrap.servers", "b:9092",
                "client.security.protocol", "SSL",
                "client.linger.ms", "1",
                "producer.linger.ms", "20",
                "producer.acks", "1"),
            Map.of("tributary.producer.compression.type", "zstd", "tributary.producer.linger.ms", "99"),
            Map.of("TRIBUTARY_CLIENT_CLIENT_ID", "from-env"));
    assertEquals(
        Map.of(
            "bootstrap.servers", "b:9092",
            "acks", "1",
            "enable.idempotence", "true",
            "security.protocol", "SSL",
            "client.id", "from-env",
            "linger.ms", "20",
            "compression.type", "zstd"),
        config.producerProperties());
    assertEquals(
        Map.of(
            "bootstrap.servers", "b:9092",
            "security.protocol", "SSL",
            "client.id", "from-env",
            "linger.ms", "1"),
        config.adminProperties());
  }

  @Test
  void missingBootstrapServersNamesTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(), Map.of()));
    assertEquals(
        "Invalid configuration bootstrap.servers: is required: Kafka brokers, host:port[,host:port…].",
        e.getMessage());
  }

  @Test
  void malformedNumbersNameTheKey() {
    Map<String, String> base = Map.of("bootstrap.servers", "b:9092");
    assertEquals(
        "Invalid configuration streaming.connection.max.duration.ms: must be a whole number, was \"soon\"",
        assertThrows(
                ConfigException.class,
                () -> load(base, Map.of("tributary.streaming.connection.max.duration.ms", "soon"), Map.of()))
            .getMessage());
    assertEquals(
        "Invalid configuration streaming.connection.max.duration.grace.period.ms: must not be negative, was -1",
        assertThrows(
                ConfigException.class,
                () -> load(base, Map.of(), Map.of("TRIBUTARY_STREAMING_CONNECTION_MAX_DURATION_GRACE_PERIOD_MS", "-1")))
            .getMessage());
    assertEquals(
        "Invalid configuration streaming.connection.max.duration.ms: must be greater than 0, was 0",
        assertThrows(
                ConfigException.class,
                () -> load(Map.of("bootstrap.servers", "b:9092", "streaming.connection.max.duration.ms", "0"), Map.of(), Map.of()))
            .getMessage());
  }

  @Test
  void rateLimitsAreOffByDefaultAndParsedWhenSet() {
    assertEquals(
        new TributaryConfig.RateLimits(false, 10_000, 10_000, 10_000_000, 10_000_000), // Confluent's defaults
        load(Map.of("bootstrap.servers", "b:9092"), Map.of(), Map.of()).rateLimits());
    assertEquals(
        new TributaryConfig.RateLimits(true, 1, 2, 3, 4),
        load(
                Map.of(
                    "bootstrap.servers", "b:9092",
                    "api.v3.produce.rate.limit.enabled", "TRUE",
                    "api.v3.produce.rate.limit.max.requests.per.sec", "1",
                    "api.v3.produce.rate.limit.max.requests.global.per.sec", "2",
                    "api.v3.produce.rate.limit.max.bytes.per.sec", "3",
                    "api.v3.produce.rate.limit.max.bytes.global.per.sec", "4"),
                Map.of(),
                Map.of())
            .rateLimits());
    assertEquals(
        "Invalid configuration api.v3.produce.rate.limit.enabled: must be true or false, was \"yes\"",
        assertThrows(
                ConfigException.class,
                () -> load(Map.of("bootstrap.servers", "b:9092", "api.v3.produce.rate.limit.enabled", "yes"), Map.of(), Map.of()))
            .getMessage());
  }

  @Test
  void authenticationIsNoneByDefaultAndBasicNeedsAPasswordSaslMechanism() {
    assertEquals(
        new TributaryConfig.Authentication(
            TributaryConfig.AuthenticationMethod.NONE, "Tributary", 32, java.time.Duration.ofMinutes(5), "GSSAPI"),
        load(Map.of("bootstrap.servers", "b:9092"), Map.of(), Map.of()).authentication());
    Map<String, String> basic =
        Map.of(
            "bootstrap.servers", "b:9092",
            "authentication.method", "basic",
            "client.security.protocol", "SASL_SSL",
            "client.sasl.mechanism", "SCRAM-SHA-512",
            "authentication.producer.pool.max.size", "7",
            "authentication.producer.pool.idle.timeout.ms", "1000",
            "authentication.realm", "Kafka");
    assertEquals(
        new TributaryConfig.Authentication(
            TributaryConfig.AuthenticationMethod.BASIC, "Kafka", 7, java.time.Duration.ofSeconds(1), "SCRAM-SHA-512"),
        load(basic, Map.of(), Map.of()).authentication());
    assertEquals(
        "Invalid configuration authentication.method: must be NONE or BASIC, was \"LDAP\"",
        assertThrows(
                ConfigException.class,
                () -> load(Map.of("bootstrap.servers", "b:9092", "authentication.method", "LDAP"), Map.of(), Map.of()))
            .getMessage());
    assertEquals(
        "Invalid configuration client.security.protocol: must be SASL_SSL or SASL_PLAINTEXT with"
            + " authentication.method=BASIC, was PLAINTEXT",
        assertThrows(
                ConfigException.class,
                () -> load(Map.of("bootstrap.servers", "b:9092", "authentication.method", "BASIC"), Map.of(), Map.of()))
            .getMessage());
    assertEquals(
        "Invalid configuration client.sasl.mechanism: must be one of [PLAIN, SCRAM-SHA-256, SCRAM-SHA-512] with"
            + " authentication.method=BASIC, was OAUTHBEARER",
        assertThrows(
                ConfigException.class,
                () ->
                    load(
                        Map.of(
                            "bootstrap.servers", "b:9092",
                            "authentication.method", "BASIC",
                            "producer.security.protocol", "SASL_PLAINTEXT",
                            "producer.sasl.mechanism", "OAUTHBEARER"),
                        Map.of(),
                        Map.of()))
            .getMessage());
  }
}

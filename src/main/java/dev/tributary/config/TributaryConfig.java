package dev.tributary.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy's configuration: one typed value, parsed and validated once when the application starts.
 *
 * <p>Keys use the reference implementation's names. Each key is looked up in three sources, first match
 * wins:
 *
 * <ol>
 *   <li>servlet context init-parameters, named as the key ({@code bootstrap.servers});
 *   <li>Java system properties, prefixed ({@code -Dtributary.bootstrap.servers=...});
 *   <li>environment variables, upper-cased with underscores ({@code TRIBUTARY_BOOTSTRAP_SERVERS});
 *   <li>the same with Confluent REST Proxy's prefix ({@code KAFKA_REST_BOOTSTRAP_SERVERS}).
 * </ol>
 *
 * The most specific source wins: an init-parameter belongs to one deployment, a system property or an
 * environment variable to the whole container. A malformed value fails with a {@link ConfigException}
 * naming the key, so a bad deployment fails to start instead of failing its first request.
 */
public final class TributaryConfig {

  /**
   * The per-record produce rate limits (spec section 6).
   *
   * @param enabled off by default, as in the reference
   */
  public record RateLimits(
      boolean enabled,
      long recordsPerSecond,
      long recordsGlobalPerSecond,
      long bytesPerSecond,
      long bytesGlobalPerSecond) {}

  /** How callers are authenticated towards Kafka. */
  public enum AuthenticationMethod {
    /** One shared producer with the proxy's own configured credentials. */
    NONE,
    /** HTTP Basic credentials become the caller's Kafka SASL credentials. */
    BASIC
  }

  /**
   * Who produces: the proxy itself, or each caller as its own Kafka principal.
   *
   * @param saslMechanism with {@code BASIC}, the producer's {@code sasl.mechanism}: PLAIN or SCRAM-SHA-*
   */
  public record Authentication(
      AuthenticationMethod method,
      String realm,
      int poolMaxSize,
      Duration poolIdleTimeout,
      String saslMechanism) {}

  /**
   * Exactly-once streams (a request with {@code Tributary-Producer-Id}).
   *
   * @param commitInterval {@code exactly.once.commit.interval.ms}: the longest a transaction stays open
   * @param maxProducers {@code exactly.once.producers.max}: such streams open at once
   * @param stateTopic {@code exactly.once.state.topic}: the partition that keys each id's committed sequence
   */
  public record ExactlyOnce(Duration commitInterval, int maxProducers, String stateTopic) {}

  /** The SASL mechanisms whose login module takes a user name and a password. */
  private static final List<String> PASSWORD_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  /**
   * Producer settings this proxy applies before the user's: acknowledged by every in-sync replica and
   * idempotent, so a 200 report means the record is durably in Kafka exactly once and in order.
   */
  private static final Map<String, Object> PRODUCER_DEFAULTS =
      Map.of("acks", "all", "enable.idempotence", "true");

  /** The producer's own default {@code max.request.size}. */
  private static final long MAX_REQUEST_SIZE_DEFAULT = 1_048_576;

  private final String bootstrapServers;
  private final Map<String, Object> producerProperties;
  private final Map<String, Object> adminProperties;
  private final StreamSettings stream;
  private final RateLimits rateLimits;
  private final Authentication authentication;
  private final int metricsTopicsMax;
  private final ExactlyOnce exactlyOnce;
  private final Duration shutdownGracePeriod;
  private final int batchMaxEntries;
  private final boolean traceHeaders;
  private final List<URI> advertisedListeners;
  private final List<String> warnings;

  private TributaryConfig(List<ConfigSource> sources) {
    this.bootstrapServers = Settings.BOOTSTRAP_SERVERS.from(sources);
    Map<String, String> client = merged(sources, Settings.CLIENT.key());
    Map<String, Object> producerProps = new HashMap<>(PRODUCER_DEFAULTS);
    producerProps.putAll(client);
    producerProps.putAll(merged(sources, Settings.PRODUCER.key()));
    producerProps.put(Settings.BOOTSTRAP_SERVERS.key(), bootstrapServers);
    this.producerProperties = Map.copyOf(producerProps);
    Map<String, Object> adminProps = new HashMap<>(client);
    adminProps.putAll(merged(sources, Settings.ADMIN.key()));
    adminProps.put(Settings.BOOTSTRAP_SERVERS.key(), bootstrapServers);
    this.adminProperties = Map.copyOf(adminProps);

    long sizeLimit = Settings.RECORD_SIZE_LIMIT.from(sources);
    this.stream =
        new StreamSettings(
            Duration.ofMillis(Settings.STREAM_MAX_DURATION.from(sources)),
            Duration.ofMillis(Settings.STREAM_GRACE_PERIOD.from(sources)),
            sizeLimit > 0 ? sizeLimit : 2 * maxRequestSize(producerProps), // 0 or less: no limit of our own
            Settings.WINDOW_RECORDS.from(sources),
            Settings.WINDOW_BYTES.from(sources),
            Settings.HELD_REPORTS.from(sources),
            Settings.RECORD_ARRIVAL.from(sources));
    this.rateLimits =
        new RateLimits(
            Settings.RATE_LIMIT_ENABLED.from(sources),
            Settings.RATE_LIMIT_RECORDS.from(sources),
            Settings.RATE_LIMIT_RECORDS_GLOBAL.from(sources),
            Settings.RATE_LIMIT_BYTES.from(sources),
            Settings.RATE_LIMIT_BYTES_GLOBAL.from(sources));
    this.authentication = authentication(sources, producerProps);
    this.metricsTopicsMax = Settings.METRICS_TOPICS_MAX.from(sources).intValue();
    this.exactlyOnce =
        new ExactlyOnce(
            Duration.ofMillis(Settings.EXACTLY_ONCE_COMMIT_INTERVAL.from(sources)),
            Settings.EXACTLY_ONCE_PRODUCERS_MAX.from(sources).intValue(),
            Settings.EXACTLY_ONCE_STATE_TOPIC.from(sources));
    this.shutdownGracePeriod = Duration.ofMillis(Settings.SHUTDOWN_GRACE_PERIOD.from(sources));
    this.batchMaxEntries = Settings.BATCH_MAX_ENTRIES.from(sources).intValue();
    this.traceHeaders = Settings.TRACE_HEADERS.from(sources);
    this.advertisedListeners = Settings.ADVERTISED_LISTENERS.from(sources);
    this.warnings = UnknownKeys.in(sources);
  }

  private static long maxRequestSize(Map<String, Object> producer) {
    Object configured = producer.get("max.request.size");
    if (configured == null) {
      return MAX_REQUEST_SIZE_DEFAULT;
    }
    try {
      return Long.parseLong(configured.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          Settings.PRODUCER.key() + "max.request.size", "must be a whole number, was \"" + configured + "\"");
    }
  }

  private static Authentication authentication(List<ConfigSource> sources, Map<String, Object> producer) {
    AuthenticationMethod method = Settings.AUTHENTICATION_METHOD.from(sources);
    String mechanism = String.valueOf(producer.getOrDefault("sasl.mechanism", "GSSAPI")).trim();
    if (method == AuthenticationMethod.BASIC) {
      String protocol = String.valueOf(producer.getOrDefault("security.protocol", "PLAINTEXT")).trim();
      if (!protocol.equalsIgnoreCase("SASL_PLAINTEXT") && !protocol.equalsIgnoreCase("SASL_SSL")) {
        throw new ConfigException(
            Settings.CLIENT.key() + "security.protocol",
            "must be SASL_SSL or SASL_PLAINTEXT with " + Settings.AUTHENTICATION_METHOD.key() + "=BASIC, was " + protocol);
      }
      if (!PASSWORD_MECHANISMS.contains(mechanism)) {
        throw new ConfigException(
            Settings.CLIENT.key() + "sasl.mechanism",
            "must be one of " + PASSWORD_MECHANISMS + " with " + Settings.AUTHENTICATION_METHOD.key() + "=BASIC, was "
                + mechanism);
      }
    }
    return new Authentication(
        method,
        Settings.AUTHENTICATION_REALM.from(sources),
        Settings.PRODUCER_POOL_MAX_SIZE.from(sources).intValue(),
        Duration.ofMillis(Settings.PRODUCER_POOL_IDLE_TIMEOUT.from(sources)),
        mechanism);
  }

  /** Reads the configuration from {@code sources}, the first one winning for each key. */
  public static TributaryConfig load(List<ConfigSource> sources) {
    return new TributaryConfig(List.copyOf(sources));
  }

  /**
   * Reads init-parameters, then this JVM's system properties, then its environment: {@code TRIBUTARY_*}
   * variables, then {@code KAFKA_REST_*} ones (the names Confluent REST Proxy's images read), so a
   * deployment moved from Confluent keeps its settings, and a Tributary name wins over a Confluent one.
   */
  public static TributaryConfig load(Map<String, String> initParameters) {
    Map<String, String> properties = new HashMap<>();
    System.getProperties().forEach((name, value) -> properties.put(name.toString(), value.toString()));
    return load(
        List.of(
            ConfigSource.of(initParameters),
            ConfigSource.systemProperties(properties),
            ConfigSource.environment(System.getenv()),
            ConfigSource.environment(System.getenv(), "KAFKA_REST_")));
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The producer's properties: proxy defaults, then {@code client.*}, then {@code producer.*}. */
  public Map<String, Object> producerProperties() {
    return producerProperties;
  }

  /** The admin client's properties: {@code client.*} and the bootstrap servers. */
  public Map<String, Object> adminProperties() {
    return adminProperties;
  }

  /** The bounds of each produce stream, as one value. */
  public StreamSettings stream() {
    return stream;
  }

  public RateLimits rateLimits() {
    return rateLimits;
  }

  public Authentication authentication() {
    return authentication;
  }

  /**
   * What the deployment should be told about its settings: each key under one of the proxy's own
   * prefixes ({@code api.}, {@code streaming.}, {@code authentication.}, {@code metrics.}, {@code
   * exactly.once.}, {@code shutdown.}) that the proxy
   * does not know, with the nearest key it does know (a typo such as {@code ...rate.limit.enable}).
   */
  public List<String> warnings() {
    return warnings;
  }

  /** {@code advertised.listeners}: the URLs self links start with; empty if unset. */
  public List<URI> advertisedListeners() {
    return advertisedListeners;
  }

  /** How exactly-once streams commit, and how many may be open. */
  public ExactlyOnce exactlyOnce() {
    return exactlyOnce;
  }

  /** {@code api.v3.produce.trace.headers}: whether a request's trace context goes into its records' headers. */
  public boolean traceHeaders() {
    return traceHeaders;
  }

  /** {@code api.v3.produce.batch.maximum.entries}: the most entries of one {@code records:batch} request. */
  public int batchMaxEntries() {
    return batchMaxEntries;
  }

  /** {@code shutdown.grace.period.ms}: how long open streams have to end when the application stops. */
  public Duration shutdownGracePeriod() {
    return shutdownGracePeriod;
  }

  /** {@code metrics.topics.max}: topics with a metrics label of their own. */
  public int metricsTopicsMax() {
    return metricsTopicsMax;
  }

  /** Keys under {@code prefix} from every source; where two sources set one key, the earlier wins. */
  private static Map<String, String> merged(List<ConfigSource> sources, String prefix) {
    Map<String, String> merged = new HashMap<>();
    for (int i = sources.size() - 1; i >= 0; i--) {
      merged.putAll(sources.get(i).withPrefix(prefix));
    }
    return merged;
  }
}

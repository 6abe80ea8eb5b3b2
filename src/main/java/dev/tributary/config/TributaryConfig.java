package dev.tributary.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka brokers to connect to, host:port[,host:port...]. Required.";

  public static final String PRODUCER_PREFIX = "producer.";
  private static final String PRODUCER_PREFIX_DOC =
      "Passed to the Kafka producer with the prefix removed, e.g. producer.linger.ms=5.";

  public static final String ADMIN_PREFIX = "admin.";
  private static final String ADMIN_PREFIX_DOC =
      "Passed to the admin client (cluster id, topic metadata, readiness) with the prefix removed, over"
          + " client.*, e.g. admin.request.timeout.ms=10000.";

  public static final String CLIENT_PREFIX = "client.";
  private static final String CLIENT_PREFIX_DOC =
      "Passed to every Kafka client (producer and admin) with the prefix removed, e.g."
          + " client.security.protocol=SSL. producer.* wins over client.* for the producer.";

  public static final String STREAM_MAX_DURATION = "streaming.connection.max.duration.ms";
  private static final String STREAM_MAX_DURATION_DOC =
      "How long one streaming request may stay open; a record read after it gets an in-band 408.";
  private static final long STREAM_MAX_DURATION_DEFAULT = 86_400_000L;

  public static final String STREAM_GRACE_PERIOD = "streaming.connection.max.duration.grace.period.ms";
  private static final String STREAM_GRACE_PERIOD_DOC =
      "How long a stream past its maximum age stays open (answering 408) before it ends; its pending"
          + " reports are written first.";
  private static final long STREAM_GRACE_PERIOD_DEFAULT = 500L;

  public static final String RECORD_SIZE_LIMIT = "api.v3.produce.request.size.limit.max.bytes";
  private static final String RECORD_SIZE_LIMIT_DOC =
      "The largest record, as JSON in the request, the proxy reads; a larger one gets a 413 report and"
          + " ends the stream. Default, and with 0 or a negative value (as in Confluent REST Proxy: no limit"
          + " of the proxy's own): twice the producer's max.request.size, the most a record that Kafka could"
          + " take can need as JSON (base64 and JSON overhead).";

  public static final String WINDOW_RECORDS = "streaming.window.max.records";
  private static final String WINDOW_RECORDS_DOC =
      "Records one stream may have read that Kafka has not yet answered; when reached, the stream is"
          + " not read until Kafka answers (back-pressure). With ~10 ms from read to answer, it caps one"
          + " stream near 500,000 records/s; memory is bounded by the bytes limit below.";
  private static final long WINDOW_RECORDS_DEFAULT = 5000;

  public static final String WINDOW_BYTES = "streaming.window.max.bytes";
  private static final String WINDOW_BYTES_DOC =
      "Request bytes of those records one stream may hold; bounds each stream's memory.";
  private static final long WINDOW_BYTES_DEFAULT = 4L * 1024 * 1024;

  public static final String HELD_REPORTS = "streaming.reports.max.held";
  private static final String HELD_REPORTS_DOC =
      "Reports one stream may hold decided but not yet read by its client (about 45 bytes each); when"
          + " reached, the stream is not read until the client reads. Lets a client that sends its whole"
          + " body before reading the response get every report of a body of up to this many records.";
  private static final long HELD_REPORTS_DEFAULT = 100_000;

  public static final String RECORD_ARRIVAL = "streaming.record.arrival.max.ms";
  private static final String RECORD_ARRIVAL_DOC =
      "How long one record may take to arrive, from the first read that brings any of it (or any byte"
          + " after the previous record) to the read that completes it; a record still arriving then gets"
          + " a 408 report and the stream ends. Bounds a client trickling its body; pauses between records"
          + " are not counted (the container's idle timeout bounds those).";
  private static final long RECORD_ARRIVAL_DEFAULT = 30_000;

  public static final String RATE_LIMIT_ENABLED = "api.v3.produce.rate.limit.enabled";
  private static final String RATE_LIMIT_ENABLED_DOC =
      "Whether the per-record produce rate limits below apply; an over-limit record gets an in-band 429.";

  public static final String RATE_LIMIT_RECORDS = "api.v3.produce.rate.limit.max.requests.per.sec";
  private static final String RATE_LIMIT_RECORDS_DOC = "Records per second one Kafka cluster accepts.";
  private static final long RATE_LIMIT_RECORDS_DEFAULT = 10_000;

  public static final String RATE_LIMIT_RECORDS_GLOBAL =
      "api.v3.produce.rate.limit.max.requests.global.per.sec";
  private static final String RATE_LIMIT_RECORDS_GLOBAL_DOC =
      "Records per second this proxy accepts across all clusters.";
  private static final long RATE_LIMIT_RECORDS_GLOBAL_DEFAULT = 10_000;

  public static final String RATE_LIMIT_BYTES = "api.v3.produce.rate.limit.max.bytes.per.sec";
  private static final String RATE_LIMIT_BYTES_DOC =
      "Record bytes (key, value and headers) per second one Kafka cluster accepts.";
  private static final long RATE_LIMIT_BYTES_DEFAULT = 10_000_000; // Confluent REST Proxy's default

  public static final String RATE_LIMIT_BYTES_GLOBAL =
      "api.v3.produce.rate.limit.max.bytes.global.per.sec";
  private static final String RATE_LIMIT_BYTES_GLOBAL_DOC =
      "Record bytes per second this proxy accepts across all clusters.";
  private static final long RATE_LIMIT_BYTES_GLOBAL_DEFAULT = 10_000_000;

  public static final String AUTHENTICATION_METHOD = "authentication.method";
  private static final String AUTHENTICATION_METHOD_DOC =
      "NONE: every request produces with the proxy's one producer and its configured credentials."
          + " BASIC: HTTP Basic credentials are passed through as the caller's own Kafka SASL"
          + " credentials (PLAIN or SCRAM), so Kafka's ACLs decide; requests without them get 401.";

  public static final String AUTHENTICATION_REALM = "authentication.realm";
  private static final String AUTHENTICATION_REALM_DOC =
      "The realm named in the WWW-Authenticate header of a 401.";

  public static final String PRODUCER_POOL_MAX_SIZE = "authentication.producer.pool.max.size";
  private static final String PRODUCER_POOL_MAX_SIZE_DOC =
      "With BASIC: the most Kafka producers kept, one per principal; the least recently used idle one"
          + " is closed to make room, and when all are busy a new principal gets 429.";
  private static final long PRODUCER_POOL_MAX_SIZE_DEFAULT = 32;

  public static final String PRODUCER_POOL_IDLE_TIMEOUT = "authentication.producer.pool.idle.timeout.ms";
  private static final String PRODUCER_POOL_IDLE_TIMEOUT_DOC =
      "With BASIC: a principal's producer unused by any request for this long is closed.";
  private static final long PRODUCER_POOL_IDLE_TIMEOUT_DEFAULT = 300_000;

  public static final String METRICS_TOPICS_MAX = "metrics.topics.max";
  private static final String METRICS_TOPICS_MAX_DOC =
      "Topics that get a label of their own in /metrics; records for later ones are counted under"
          + " topic=\"_other\", so many topics cannot explode the metrics.";
  private static final long METRICS_TOPICS_MAX_DEFAULT = 100;

  public static final String ADVERTISED_LISTENERS = "advertised.listeners";
  private static final String ADVERTISED_LISTENERS_DOC =
      "The URLs clients reach this proxy at, comma-separated (e.g. https://kafka-rest.example.com), as in"
          + " Confluent REST Proxy: self links start with the one whose scheme is the request's, else the"
          + " first. Unset: links name the address the request reached, or what the container derived from"
          + " Forwarded/X-Forwarded-* headers where the operator enabled that; never the client's Host header.";

  /** Every documented key or prefix with its one-line description (the README lists the same). */
  public static final Map<String, String> DOCS =
      Map.ofEntries(
          Map.entry(BOOTSTRAP_SERVERS, BOOTSTRAP_SERVERS_DOC),
          Map.entry(PRODUCER_PREFIX + "*", PRODUCER_PREFIX_DOC),
          Map.entry(CLIENT_PREFIX + "*", CLIENT_PREFIX_DOC),
          Map.entry(ADMIN_PREFIX + "*", ADMIN_PREFIX_DOC),
          Map.entry(STREAM_MAX_DURATION, STREAM_MAX_DURATION_DOC),
          Map.entry(STREAM_GRACE_PERIOD, STREAM_GRACE_PERIOD_DOC),
          Map.entry(RECORD_SIZE_LIMIT, RECORD_SIZE_LIMIT_DOC),
          Map.entry(WINDOW_RECORDS, WINDOW_RECORDS_DOC),
          Map.entry(WINDOW_BYTES, WINDOW_BYTES_DOC),
          Map.entry(HELD_REPORTS, HELD_REPORTS_DOC),
          Map.entry(RECORD_ARRIVAL, RECORD_ARRIVAL_DOC),
          Map.entry(RATE_LIMIT_ENABLED, RATE_LIMIT_ENABLED_DOC),
          Map.entry(RATE_LIMIT_RECORDS, RATE_LIMIT_RECORDS_DOC),
          Map.entry(RATE_LIMIT_RECORDS_GLOBAL, RATE_LIMIT_RECORDS_GLOBAL_DOC),
          Map.entry(RATE_LIMIT_BYTES, RATE_LIMIT_BYTES_DOC),
          Map.entry(RATE_LIMIT_BYTES_GLOBAL, RATE_LIMIT_BYTES_GLOBAL_DOC),
          Map.entry(AUTHENTICATION_METHOD, AUTHENTICATION_METHOD_DOC),
          Map.entry(AUTHENTICATION_REALM, AUTHENTICATION_REALM_DOC),
          Map.entry(PRODUCER_POOL_MAX_SIZE, PRODUCER_POOL_MAX_SIZE_DOC),
          Map.entry(PRODUCER_POOL_IDLE_TIMEOUT, PRODUCER_POOL_IDLE_TIMEOUT_DOC),
          Map.entry(METRICS_TOPICS_MAX, METRICS_TOPICS_MAX_DOC),
          Map.entry(ADVERTISED_LISTENERS, ADVERTISED_LISTENERS_DOC));

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

  /** The SASL mechanisms whose login module takes a user name and a password. */
  private static final List<String> PASSWORD_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  /**
   * Producer settings this proxy applies before the user's: acknowledged by every in-sync replica and
   * idempotent, so a 200 report means the record is durably in Kafka exactly once and in order.
   */
  private static final Map<String, Object> PRODUCER_DEFAULTS =
      Map.of("acks", "all", "enable.idempotence", "true");

  private final String bootstrapServers;
  private final Map<String, Object> producerProperties;
  private final Map<String, Object> adminProperties;
  private final StreamSettings stream;
  private final RateLimits rateLimits;
  private final Authentication authentication;
  private final int metricsTopicsMax;
  private final List<URI> advertisedListeners;
  private final List<String> warnings;

  private TributaryConfig(List<ConfigSource> sources) {
    this.bootstrapServers =
        first(sources, BOOTSTRAP_SERVERS)
            .map(String::trim)
            .filter(value -> !value.isEmpty())
            .orElseThrow(() -> new ConfigException(BOOTSTRAP_SERVERS, "is required. " + BOOTSTRAP_SERVERS_DOC));
    Map<String, String> client = merged(sources, CLIENT_PREFIX);
    Map<String, String> producer = merged(sources, PRODUCER_PREFIX);

    Map<String, Object> producerProps = new HashMap<>(PRODUCER_DEFAULTS);
    producerProps.putAll(client);
    producerProps.putAll(producer);
    producerProps.put(BOOTSTRAP_SERVERS, bootstrapServers);
    this.producerProperties = Map.copyOf(producerProps);

    Map<String, Object> adminProps = new HashMap<>(client);
    adminProps.putAll(merged(sources, ADMIN_PREFIX));
    adminProps.put(BOOTSTRAP_SERVERS, bootstrapServers);
    this.adminProperties = Map.copyOf(adminProps);

    long maxRequestSize = 1_048_576;
    Object configured = producerProps.get("max.request.size");
    if (configured != null) {
      try {
        maxRequestSize = Long.parseLong(configured.toString().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(PRODUCER_PREFIX + "max.request.size", "must be a whole number, was \"" + configured + "\"");
      }
    }
    long sizeLimit = wholeNumber(sources, RECORD_SIZE_LIMIT, 2 * maxRequestSize);
    this.warnings = List.copyOf(unknownKeys(sources));
    this.stream =
        new StreamSettings(
            Duration.ofMillis(positiveLong(sources, STREAM_MAX_DURATION, STREAM_MAX_DURATION_DEFAULT)),
            Duration.ofMillis(nonNegativeLong(sources, STREAM_GRACE_PERIOD, STREAM_GRACE_PERIOD_DEFAULT)),
            sizeLimit > 0 ? sizeLimit : 2 * maxRequestSize, // 0 or less: no limit of our own
            positiveLong(sources, WINDOW_RECORDS, WINDOW_RECORDS_DEFAULT),
            positiveLong(sources, WINDOW_BYTES, WINDOW_BYTES_DEFAULT),
            positiveLong(sources, HELD_REPORTS, HELD_REPORTS_DEFAULT),
            positiveLong(sources, RECORD_ARRIVAL, RECORD_ARRIVAL_DEFAULT));
    this.rateLimits =
        new RateLimits(
            bool(sources, RATE_LIMIT_ENABLED, false),
            positiveLong(sources, RATE_LIMIT_RECORDS, RATE_LIMIT_RECORDS_DEFAULT),
            positiveLong(sources, RATE_LIMIT_RECORDS_GLOBAL, RATE_LIMIT_RECORDS_GLOBAL_DEFAULT),
            positiveLong(sources, RATE_LIMIT_BYTES, RATE_LIMIT_BYTES_DEFAULT),
            positiveLong(sources, RATE_LIMIT_BYTES_GLOBAL, RATE_LIMIT_BYTES_GLOBAL_DEFAULT));
    this.authentication = authentication(sources, producerProps);
    long topicsMax = nonNegativeLong(sources, METRICS_TOPICS_MAX, METRICS_TOPICS_MAX_DEFAULT);
    if (topicsMax > 10_000) {
      throw new ConfigException(METRICS_TOPICS_MAX, "must be at most 10000, was " + topicsMax);
    }
    this.metricsTopicsMax = (int) topicsMax;
    this.advertisedListeners = advertisedListeners(sources);
  }

  private static List<URI> advertisedListeners(List<ConfigSource> sources) {
    List<URI> listeners = new ArrayList<>();
    for (String entry : first(sources, ADVERTISED_LISTENERS).orElse("").split(",")) {
      String url = entry.trim();
      if (url.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri = new URI(url.replaceAll("/+$", ""));
      } catch (URISyntaxException e) {
        uri = null;
      }
      if (uri == null
          || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw new ConfigException(
            ADVERTISED_LISTENERS, "must be http:// or https:// URLs with a host (and no query), was \"" + url + "\"");
      }
      listeners.add(uri);
    }
    return List.copyOf(listeners);
  }

  private static Authentication authentication(List<ConfigSource> sources, Map<String, Object> producer) {
    String raw = first(sources, AUTHENTICATION_METHOD).map(String::trim).orElse("NONE");
    AuthenticationMethod method;
    try {
      method = AuthenticationMethod.valueOf(raw.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(AUTHENTICATION_METHOD, "must be NONE or BASIC, was \"" + raw + "\"");
    }
    long maxSize = positiveLong(sources, PRODUCER_POOL_MAX_SIZE, PRODUCER_POOL_MAX_SIZE_DEFAULT);
    if (maxSize > 10_000) {
      throw new ConfigException(PRODUCER_POOL_MAX_SIZE, "must be at most 10000, was " + maxSize);
    }
    Duration idle =
        Duration.ofMillis(positiveLong(sources, PRODUCER_POOL_IDLE_TIMEOUT, PRODUCER_POOL_IDLE_TIMEOUT_DEFAULT));
    String realm = first(sources, AUTHENTICATION_REALM).map(String::trim).orElse("Tributary");
    if (realm.isEmpty() || realm.contains("\"") || realm.contains("\\") || realm.chars().anyMatch(c -> c < 0x20)) {
      throw new ConfigException(AUTHENTICATION_REALM, "must be non-empty text without quotes or backslashes");
    }
    String mechanism = String.valueOf(producer.getOrDefault("sasl.mechanism", "GSSAPI")).trim();
    if (method == AuthenticationMethod.BASIC) {
      String protocol = String.valueOf(producer.getOrDefault("security.protocol", "PLAINTEXT")).trim();
      if (!protocol.equalsIgnoreCase("SASL_PLAINTEXT") && !protocol.equalsIgnoreCase("SASL_SSL")) {
        throw new ConfigException(
            CLIENT_PREFIX + "security.protocol",
            "must be SASL_SSL or SASL_PLAINTEXT with " + AUTHENTICATION_METHOD + "=BASIC, was " + protocol);
      }
      if (!PASSWORD_MECHANISMS.contains(mechanism)) {
        throw new ConfigException(
            CLIENT_PREFIX + "sasl.mechanism",
            "must be one of " + PASSWORD_MECHANISMS + " with " + AUTHENTICATION_METHOD + "=BASIC, was " + mechanism);
      }
    }
    return new Authentication(method, realm, (int) maxSize, idle, mechanism);
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
   * prefixes ({@code api.}, {@code streaming.}, {@code authentication.}, {@code metrics.}) that the proxy
   * does not know, with the nearest key it does know (a typo such as {@code ...rate.limit.enable}).
   */
  public List<String> warnings() {
    return warnings;
  }

  private static final List<String> OWN_PREFIXES = List.of("api.", "streaming.", "authentication.", "metrics.");

  private static List<String> unknownKeys(List<ConfigSource> sources) {
    Set<String> known = new TreeSet<>();
    DOCS.keySet().stream().filter(key -> !key.endsWith("*")).forEach(known::add);
    Set<String> seen = new TreeSet<>();
    for (ConfigSource source : sources) {
      for (String prefix : OWN_PREFIXES) {
        source.withPrefix(prefix).keySet().forEach(rest -> seen.add(prefix + rest));
      }
    }
    List<String> warnings = new ArrayList<>();
    for (String key : seen) {
      if (!known.contains(key)) {
        String nearest = known.stream().min(java.util.Comparator.comparingInt(k -> distance(k, key))).orElse("");
        warnings.add("Unknown setting " + key + " is ignored; did you mean " + nearest + "?");
      }
    }
    return warnings;
  }

  /** The Levenshtein distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** {@value #ADVERTISED_LISTENERS}: the URLs self links start with; empty if unset. */
  public List<URI> advertisedListeners() {
    return advertisedListeners;
  }

  /** {@value #METRICS_TOPICS_MAX}: topics with a metrics label of their own. */
  public int metricsTopicsMax() {
    return metricsTopicsMax;
  }

  private static Optional<String> first(List<ConfigSource> sources, String key) {
    for (ConfigSource source : sources) {
      Optional<String> value = source.get(key);
      if (value.isPresent()) {
        return value;
      }
    }
    return Optional.empty();
  }

  /** Keys under {@code prefix} from every source; where two sources set one key, the earlier wins. */
  private static Map<String, String> merged(List<ConfigSource> sources, String prefix) {
    Map<String, String> merged = new HashMap<>();
    for (int i = sources.size() - 1; i >= 0; i--) {
      merged.putAll(sources.get(i).withPrefix(prefix));
    }
    return merged;
  }

  private static boolean bool(List<ConfigSource> sources, String key, boolean defaultValue) {
    Optional<String> raw = first(sources, key).map(String::trim);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    if (raw.get().equalsIgnoreCase("true") || raw.get().equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(raw.get());
    }
    throw new ConfigException(key, "must be true or false, was \"" + raw.get() + "\"");
  }

  private static long positiveLong(List<ConfigSource> sources, String key, long defaultValue) {
    long value = nonNegativeLong(sources, key, defaultValue);
    if (value == 0) {
      throw new ConfigException(key, "must be greater than 0, was 0");
    }
    return value;
  }

  private static long wholeNumber(List<ConfigSource> sources, String key, long defaultValue) {
    Optional<String> raw = first(sources, key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(raw.get().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, was \"" + raw.get() + "\"");
    }
  }

  private static long nonNegativeLong(List<ConfigSource> sources, String key, long defaultValue) {
    long value = wholeNumber(sources, key, defaultValue);
    if (value < 0) {
      throw new ConfigException(key, "must not be negative, was " + value);
    }
    return value;
  }
}

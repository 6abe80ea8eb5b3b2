package dev.tributary.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every configuration key, in one table: name, type, what it accepts, default and meaning. {@link
 * TributaryConfig} reads them; the README's configuration table is this table ({@code ReadmeTest} checks
 * it row by row, and prints the rows to paste when one changes).
 */
public final class Settings {

  private Settings() {}

  public static final Setting<String> BOOTSTRAP_SERVERS =
      Setting.text(
          "bootstrap.servers", null, "(required)", Settings::required,
          "Kafka brokers, `host:port[,host:port…]`");

  public static final Setting<Void> PRODUCER =
      Setting.prefix(
          "producer.",
          "passed to the Kafka producer, prefix removed (`producer.linger.ms=5`)");

  public static final Setting<Void> CLIENT =
      Setting.prefix(
          "client.",
          "passed to every Kafka client (producer and admin), prefix removed "
              + "(`client.security.protocol=SSL`); `producer.*` wins for the producer");

  public static final Setting<Void> ADMIN =
      Setting.prefix(
          "admin.",
          "passed to the admin client (cluster id, topic metadata, readiness) alone, prefix removed, "
              + "over `client.*` (as Confluent REST Proxy's `admin.*`)");

  public static final Setting<Long> STREAM_MAX_DURATION =
      Setting.number(
          "streaming.connection.max.duration.ms", 1, Long.MAX_VALUE, 86_400_000L,
          "a record read after a stream is this old gets an in-band 408 and is not produced");

  public static final Setting<Long> STREAM_GRACE_PERIOD =
      Setting.number(
          "streaming.connection.max.duration.grace.period.ms", 0, Long.MAX_VALUE, 500L,
          "how long a stream past its maximum age stays open (answering 408) before it ends; its "
              + "pending reports are written first");

  public static final Setting<Long> RECORD_SIZE_LIMIT =
      Setting.number(
          "api.v3.produce.request.size.limit.max.bytes", Long.MIN_VALUE, Long.MAX_VALUE, 0L,
          "the largest record, as request JSON, a stream may send; a larger one gets a 413 report and "
              + "ends the stream, without being read to its end. 0 or negative means, as in Confluent REST "
              + "Proxy, no limit of the proxy's own: the default then applies, the most a record Kafka could "
              + "take can need as JSON")
          .shownAs("2 × the producer's `max.request.size`");

  public static final Setting<Long> BATCH_MAX_ENTRIES =
      Setting.number(
          "api.v3.produce.batch.maximum.entries", 1, 50, 10L,
          "the most entries a `records:batch` request may hold (as in Confluent REST Proxy); more is a 422");

  public static final Setting<Long> WINDOW_RECORDS =
      Setting.number(
          "streaming.window.max.records", 1, Long.MAX_VALUE, 5000L,
          "records one stream may have read that Kafka has not yet answered; when reached, the stream "
              + "is not read until Kafka answers");

  public static final Setting<Long> WINDOW_BYTES =
      Setting.number(
          "streaming.window.max.bytes", 1, Long.MAX_VALUE, 4_194_304L,
          "request bytes those records may take; together with the above, bounds each stream's memory");

  public static final Setting<Long> RECORD_ARRIVAL =
      Setting.number(
          "streaming.record.arrival.max.ms", 1, Long.MAX_VALUE, 30_000L,
          "how long one record may take to arrive, from the first read that brings any of it (or any "
              + "byte after the previous record) to the read that completes it; a record still arriving then "
              + "gets a 408 report (or, as the first, a whole-request 408) and the stream ends without "
              + "reading on. Bounds a client that trickles its body a byte at a time; pauses between records "
              + "are not counted (the container's idle timeout bounds those)");

  public static final Setting<Long> HELD_REPORTS =
      Setting.number(
          "streaming.reports.max.held", 1, Long.MAX_VALUE, 100_000L,
          "reports one stream may hold, decided but not yet read by its client (about 45 bytes each, so "
              + "4.5 MB at most); when reached, the stream is not read until the client reads. A client that "
              + "sends its whole body before reading (see [Half-duplex clients](#half-duplex-clients)) gets "
              + "every report of a body of up to this many records");

  public static final Setting<Boolean> TRACE_HEADERS =
      Setting.flag(
          "api.v3.produce.trace.headers", true,
          "copies a request's W3C `traceparent` (and `tracestate`) into each of its records' Kafka headers, "
              + "unless the record sets either itself (see [Trace context](#trace-context))");

  public static final Setting<Boolean> RATE_LIMIT_ENABLED =
      Setting.flag(
          "api.v3.produce.rate.limit.enabled", false,
          "turns on the four per-record limits below");

  public static final Setting<Long> RATE_LIMIT_RECORDS =
      Setting.number(
          "api.v3.produce.rate.limit.max.requests.per.sec", 1, Long.MAX_VALUE, 10_000L,
          "records per second per Kafka cluster");

  public static final Setting<Long> RATE_LIMIT_RECORDS_GLOBAL =
      Setting.number(
          "api.v3.produce.rate.limit.max.requests.global.per.sec", 1, Long.MAX_VALUE, 10_000L,
          "records per second for the whole proxy");

  public static final Setting<Long> RATE_LIMIT_BYTES =
      Setting.number(
          "api.v3.produce.rate.limit.max.bytes.per.sec", 1, Long.MAX_VALUE, 10_000_000L,
          "record bytes per second per Kafka cluster");

  public static final Setting<Long> RATE_LIMIT_BYTES_GLOBAL =
      Setting.number(
          "api.v3.produce.rate.limit.max.bytes.global.per.sec", 1, Long.MAX_VALUE, 10_000_000L,
          "record bytes per second for the whole proxy");

  public static final Setting<TributaryConfig.AuthenticationMethod> AUTHENTICATION_METHOD =
      Setting.choice(
          "authentication.method", TributaryConfig.AuthenticationMethod.class, TributaryConfig.AuthenticationMethod.NONE,
          "`NONE`: one producer with the configured credentials; `BASIC`: callers' HTTP Basic "
              + "credentials are their Kafka credentials (see [Authentication](#authentication))");

  public static final Setting<String> AUTHENTICATION_REALM =
      Setting.text(
          "authentication.realm", "Tributary", "Tributary", Settings::realm,
          "the realm in a 401's `WWW-Authenticate: Basic` challenge");

  public static final Setting<Long> PRODUCER_POOL_MAX_SIZE =
      Setting.number(
          "authentication.producer.pool.max.size", 1, 10_000, 32L,
          "with `BASIC`: most producers kept, one per principal; the least recently used idle one makes "
              + "room, and when all are in use a new principal gets 429");

  public static final Setting<Long> PRODUCER_POOL_IDLE_TIMEOUT =
      Setting.number(
          "authentication.producer.pool.idle.timeout.ms", 1, Long.MAX_VALUE, 300_000L,
          "with `BASIC`: a principal's producer no request has used for this long is closed");

  public static final Setting<Long> EXACTLY_ONCE_COMMIT_INTERVAL =
      Setting.number(
          "exactly.once.commit.interval.ms", 1, 60_000, 100L,
          "an exactly-once stream's records are committed in a Kafka transaction at least this often, "
              + "and at the body's end; their reports wait for the commit (see [Exactly-once "
              + "streams](#exactly-once-streams))");

  public static final Setting<Long> EXACTLY_ONCE_PRODUCERS_MAX =
      Setting.number(
          "exactly.once.producers.max", 1, 10_000, 16L,
          "exactly-once streams open at once: each has a transactional producer and a thread of its own, "
              + "closed when it ends; a stream over this gets 429");

  public static final Setting<String> EXACTLY_ONCE_STATE_TOPIC =
      Setting.text(
          "exactly.once.state.topic", "tributary-exactly-once", "tributary-exactly-once", Settings::required,
          "a one-partition topic, never written, that keys each producer id's committed sequence (its "
              + "consumer-group offset); created on the first exactly-once stream if it does not exist");

  public static final Setting<Long> SHUTDOWN_GRACE_PERIOD =
      Setting.number(
          "shutdown.grace.period.ms", 0, 600_000, 10_000L,
          "on undeploy or server stop, how long open streams have to report every record they read "
              + "(they stop reading at once); streams still open then are ended");

  public static final Setting<Long> METRICS_TOPICS_MAX =
      Setting.number(
          "metrics.topics.max", 0, 10_000, 100L,
          "topics with a label of their own in `/metrics`; later ones are counted as `topic=\"_other\"`");

  public static final Setting<List<URI>> ADVERTISED_LISTENERS =
      Setting.text(
          "advertised.listeners", List.of(), "", Settings::urls,
          "the URLs clients reach this proxy at, comma-separated (`https://kafka-rest.example.com`), as "
              + "in Confluent REST Proxy: `self` links start with the one whose scheme is the request's, else "
              + "the first; one with a path stands for the context path. Unset: see [Behind a reverse "
              + "proxy](#behind-a-reverse-proxy)");

  /** Every key and prefix, in the README's order. */
  public static final List<Setting<?>> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          PRODUCER,
          CLIENT,
          ADMIN,
          STREAM_MAX_DURATION,
          STREAM_GRACE_PERIOD,
          RECORD_SIZE_LIMIT,
          BATCH_MAX_ENTRIES,
          WINDOW_RECORDS,
          WINDOW_BYTES,
          RECORD_ARRIVAL,
          HELD_REPORTS,
          TRACE_HEADERS,
          RATE_LIMIT_ENABLED,
          RATE_LIMIT_RECORDS,
          RATE_LIMIT_RECORDS_GLOBAL,
          RATE_LIMIT_BYTES,
          RATE_LIMIT_BYTES_GLOBAL,
          AUTHENTICATION_METHOD,
          AUTHENTICATION_REALM,
          PRODUCER_POOL_MAX_SIZE,
          PRODUCER_POOL_IDLE_TIMEOUT,
          EXACTLY_ONCE_COMMIT_INTERVAL,
          EXACTLY_ONCE_PRODUCERS_MAX,
          EXACTLY_ONCE_STATE_TOPIC,
          SHUTDOWN_GRACE_PERIOD,
          METRICS_TOPICS_MAX,
          ADVERTISED_LISTENERS);

  /** The README's configuration table: a header, then one row per key. */
  public static String readmeTable() {
    return "| key | default | meaning |\n|---|---|---|\n"
        + ALL.stream()
            .map(s -> "| `" + s.key() + (s.isPrefix() ? "*" : "") + "` | "
                + (s.shownDefault().isEmpty() ? "" : s.shownDefault() + " ") + "| " + s.doc() + " |\n")
            .collect(Collectors.joining());
  }

  private static String required(String raw) {
    if (raw.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return raw;
  }

  private static String realm(String raw) {
    if (raw.isEmpty() || raw.contains("\"") || raw.contains("\\") || raw.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("must be non-empty text without quotes or backslashes");
    }
    return raw;
  }

  /** Comma-separated http(s) URLs with a host and no query, fragment or user; a trailing slash dropped. */
  private static List<URI> urls(String raw) {
    List<URI> listeners = new ArrayList<>();
    for (String entry : raw.split(",")) {
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
        throw new IllegalArgumentException(
            "must be http:// or https:// URLs with a host (and no query), was \"" + url + "\"");
      }
      listeners.add(uri);
    }
    return List.copyOf(listeners);
  }
}

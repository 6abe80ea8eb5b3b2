package dev.tributary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Producer;

/**
 * The proxy's meters, in one Micrometer registry scraped in Prometheus text format at {@code /metrics}.
 *
 * <p>Label cardinality is bounded: the only labels are {@code topic}, {@code error_code} (a fixed set)
 * and, on the Kafka producer's own meters, {@code client_id} (one per producer; the producer pool is
 * bounded and ids never name a principal). Only the first {@code maxTopics} topics get a label of their
 * own; later ones are counted under {@value #OTHER_TOPICS}, and the Kafka producer's per-topic meters
 * for them are not registered.
 */
public final class ProxyMetrics {

  /** The {@code topic} label of topics beyond the cap. */
  public static final String OTHER_TOPICS = "_other";

  /** How often new Kafka producer metrics (a new topic, a new broker) are looked for between scrapes. */
  private static final Duration KAFKA_REFRESH = Duration.ofSeconds(60);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ScheduledExecutorService scheduler;
  private final int maxTopics;
  private final Set<String> labelledTopics = ConcurrentHashMap.newKeySet();
  private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
  private final AtomicInteger streamsOpen = new AtomicInteger();
  private final LongAdder inFlight = new LongAdder();
  private final Set<CancellableSchedule> producerRefreshes = ConcurrentHashMap.newKeySet();
  private final Timer streamDuration;
  private final Timer reportLatency;

  /**
   * @param maxTopics topics that get a label of their own
   * @param scheduler refreshes the Kafka producers' meters; no thread is made here
   */
  public ProxyMetrics(int maxTopics, ScheduledExecutorService scheduler) {
    this.maxTopics = maxTopics;
    this.scheduler = scheduler;
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public MeterFilterReply accept(Meter.Id id) {
                String topic = id.getTag("topic");
                boolean kafka = id.getName().startsWith("kafka.");
                return kafka && topic != null && !topicLabel(topic).equals(topic)
                    ? MeterFilterReply.DENY
                    : MeterFilterReply.NEUTRAL;
              }
            });
    Gauge.builder("tributary.streams.open", streamsOpen, AtomicInteger::get)
        .description("Produce requests being streamed now")
        .register(registry);
    Gauge.builder("tributary.records.in.flight", inFlight, LongAdder::sum)
        .description("Records read whose reports are not yet written, across all streams")
        .register(registry);
    streamDuration =
        Timer.builder("tributary.stream.duration")
            .description("How long produce requests stayed open, from the request to the last report")
            .serviceLevelObjectives(
                Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1))
            .register(registry);
    reportLatency =
        Timer.builder("tributary.report.latency")
            .description("From reading a record to writing its report")
            .serviceLevelObjectives(
                Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2))
            .register(registry);
  }

  /** {@code topic}, or {@value #OTHER_TOPICS} once {@code maxTopics} other topics have been labelled. */
  String topicLabel(String topic) {
    if (labelledTopics.contains(topic)) {
      return topic;
    }
    synchronized (labelledTopics) {
      if (labelledTopics.contains(topic) || labelledTopics.size() < maxTopics) {
        labelledTopics.add(topic);
        return topic;
      }
    }
    return OTHER_TOPICS;
  }

  /** The meters of one topic (or of {@value #OTHER_TOPICS}), for a stream to keep. */
  public TopicMeters topic(String topic) {
    return topics.computeIfAbsent(topicLabel(topic), TopicMeters::new);
  }

  public void streamOpened() {
    streamsOpen.incrementAndGet();
  }

  public void streamClosed(long nanos) {
    streamsOpen.decrementAndGet();
    streamDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Publishes {@code producer}'s own metrics (Micrometer's Kafka client binder) until the returned
   * binding is closed, which must happen before the producer is closed.
   */
  public AutoCloseable bindProducer(Producer<?, ?> producer) {
    CancellableSchedule schedule = new CancellableSchedule(scheduler);
    KafkaClientMetrics binder = new KafkaClientMetrics(producer, List.of(), schedule, KAFKA_REFRESH);
    binder.bindTo(registry);
    producerRefreshes.add(schedule);
    return () -> {
      producerRefreshes.remove(schedule);
      schedule.shutdownNow();
      binder.close();
    };
  }

  /**
   * Every meter in Prometheus text format (version 0.0.4). The Kafka producers' meters are looked for
   * first, so a topic produced to a moment ago already has its producer meters.
   */
  public String scrape() {
    producerRefreshes.forEach(CancellableSchedule::runPeriodicNow);
    return registry.scrape();
  }

  /** As {@link #scrape()}, in the exposition format of {@code contentType} (Prometheus text or OpenMetrics). */
  public String scrape(String contentType) {
    producerRefreshes.forEach(CancellableSchedule::runPeriodicNow);
    return registry.scrape(contentType);
  }

  /** One topic's record counters. Thread-safe. */
  public final class TopicMeters {

    private final String topic;
    private final Counter recordsIn;
    private final Counter bytesIn;
    private final Counter undelivered;
    private final Map<Integer, Counter> recordsOut = new ConcurrentHashMap<>();
    private final Counter produced; // error_code 200, looked up once: it is nearly every report

    private TopicMeters(String topic) {
      this.topic = topic;
      this.recordsIn =
          Counter.builder("tributary.records.in")
              .description("Records read from produce requests")
              .tag("topic", topic)
              .register(registry);
      this.bytesIn =
          Counter.builder("tributary.bytes.in")
              .description("Request bytes of the records read")
              .baseUnit("bytes")
              .tag("topic", topic)
              .register(registry);
      this.undelivered =
          Counter.builder("tributary.reports.undelivered")
              .description("Reports not written because the client had gone")
              .tag("topic", topic)
              .register(registry);
      this.produced = recordsOut.computeIfAbsent(200, this::outCounter);
    }

    /** A record of {@code bytes} request bytes was read. */
    public void recordIn(long bytes) {
      recordsIn.increment();
      bytesIn.increment(bytes);
      inFlight.increment();
    }

    /** The report of a record read {@code nanos} ago, with {@code errorCode}, was written. */
    public void reportWritten(int errorCode, long nanos) {
      inFlight.decrement();
      reportLatency.record(nanos, TimeUnit.NANOSECONDS);
      (errorCode == 200 ? produced : recordsOut.computeIfAbsent(errorCode, this::outCounter)).increment();
    }

    /** A record's report could not be written: its client had gone. */
    public void reportUndelivered() {
      inFlight.decrement();
      undelivered.increment();
    }

    private Counter outCounter(int errorCode) {
      return Counter.builder("tributary.records.out")
          .description("Reports written, by error_code (200: produced)")
          .tag("topic", topic)
          .tag("error_code", Integer.toString(errorCode))
          .register(registry);
    }
  }
}

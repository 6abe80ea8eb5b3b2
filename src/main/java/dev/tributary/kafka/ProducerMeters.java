package dev.tributary.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.Producer;

/**
 * Publishes each producer's own metrics (Micrometer's Kafka client binder) while the producer is open,
 * and its time totals in seconds: Kafka counts them in nanoseconds, a unit Prometheus's conventions
 * reject (the registry's filters leave the nanosecond meters out).
 */
public final class ProducerMeters implements RecordSender.MetricsBinder {

  /** How often new producer meters (a new topic, a new broker) are looked for between scrapes. */
  private static final Duration REFRESH = Duration.ofSeconds(60);

  /** The producer's totals in nanoseconds that are republished in seconds, by their Kafka name. */
  private static final Map<String, String> NANOS_TOTALS =
      Map.of(
          "io-wait-time-ns-total", "kafka.producer.io.wait",
          "io-time-ns-total", "kafka.producer.io",
          "bufferpool-wait-time-ns-total", "kafka.producer.bufferpool.wait",
          "metadata-wait-time-ns-total", "kafka.producer.metadata.wait",
          "flush-time-ns-total", "kafka.producer.flush");

  private final MeterRegistry registry;
  private final ScheduledExecutorService scheduler;
  private final Set<CancellableSchedule> refreshes = ConcurrentHashMap.newKeySet();

  /** @param scheduler refreshes the producers' meters; no thread is made here */
  public ProducerMeters(MeterRegistry registry, ScheduledExecutorService scheduler) {
    this.registry = registry;
    this.scheduler = scheduler;
  }

  /** Publishes {@code producer}'s meters until the returned binding is closed, before the producer is. */
  @Override
  public AutoCloseable bind(Producer<?, ?> producer) {
    CancellableSchedule schedule = new CancellableSchedule(scheduler);
    KafkaClientMetrics binder = new KafkaClientMetrics(producer, List.of(), schedule, REFRESH);
    binder.bindTo(registry);
    refreshes.add(schedule);
    List<Meter> inSeconds = new ArrayList<>();
    producer.metrics().forEach((name, metric) -> {
      String meter = NANOS_TOTALS.get(name.name());
      if (meter != null && name.group().equals("producer-metrics")) {
        inSeconds.add(
            FunctionCounter.builder(meter, metric, m -> ((Number) m.metricValue()).doubleValue() / 1e9)
                .description(name.description())
                .baseUnit("seconds")
                .tag("client.id", name.tags().getOrDefault("client-id", ""))
                .register(registry));
      }
    });
    return () -> {
      refreshes.remove(schedule);
      schedule.shutdownNow();
      binder.close();
      inSeconds.forEach(registry::remove);
    };
  }

  /** Looks for new meters now, so a scrape sees those of a topic produced to a moment ago. */
  public void refresh() {
    refreshes.forEach(CancellableSchedule::runPeriodicNow);
  }
}

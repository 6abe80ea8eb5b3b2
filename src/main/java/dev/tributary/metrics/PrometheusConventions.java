package dev.tributary.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Keeps the registry within Prometheus's conventions ({@code promtool check metrics}) and its label
 * cardinality bounded: meters in units Prometheus rejects are left out, names and help are tidied, and
 * the Kafka client's per-topic meters are kept only for topics with a label of their own.
 */
final class PrometheusConventions implements MeterFilter {

  private final Predicate<String> labelled;

  /** @param labelled whether a topic has a label of its own */
  PrometheusConventions(Predicate<String> labelled) {
    this.labelled = labelled;
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    String topic = id.getTag("topic");
    if (id.getName().startsWith("kafka.") && topic != null && !labelled.test(topic)) {
      return MeterFilterReply.DENY;
    }
    return NOT_BASE_UNITS.matcher(id.getName()).matches() ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    return tidy(id);
  }

  /**
   * Meters named in units Prometheus's conventions reject ({@code promtool check metrics}): the Kafka
   * client's times in nanoseconds and its start time in milliseconds, and Micrometer's process CPU time
   * in nanoseconds ({@code process_cpu_usage} remains). The Kafka totals that matter are published in
   * seconds instead ({@link dev.tributary.kafka.ProducerMeters}); the averages follow from them ({@code rate()}), and
   * transaction times are of no use to a proxy that produces without transactions.
   */
  private static final Pattern NOT_BASE_UNITS =
      Pattern.compile("kafka\\..*\\.time\\.ns\\.(total|avg)|kafka\\.app\\.info\\.start\\.time\\.ms|process\\.cpu\\.time");

  /**
   * Names and help that pass Prometheus's checks: a gauge may not end in {@code _count}, and every meter
   * has help (the Kafka client leaves some without).
   */
  private static Meter.Id tidy(Meter.Id id) {
    Meter.Id tidied = id;
    if (id.getName().equals("kafka.producer.connection.count")) {
      tidied = tidied.withName("kafka.producer.connections");
    } else if (id.getName().equals("system.cpu.count")) {
      tidied = tidied.withName("system.cpus");
    }
    if (tidied.getDescription() == null || tidied.getDescription().isBlank()) {
      String kafkaName = tidied.getName().replaceFirst("^kafka\\.(producer|admin)\\.", "").replace('.', '-');
      tidied =
          new Meter.Id(
              tidied.getName(),
              Tags.of(tidied.getTagsAsIterable()),
              tidied.getBaseUnit(),
              "The Kafka client's " + kafkaName + " metric",
              tidied.getType());
    }
    return tidied;
  }
}

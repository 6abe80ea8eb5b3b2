package dev.tributary.kafka;

import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one place that touches the Kafka producer. Thread-safe; one instance serves every stream.
 *
 * <p>{@link #send} never throws, and waits at most {@link #SEND_WAIT_MS}: a synchronous failure from the
 * producer (a bad record, a closed producer) becomes a failed future, so callers have one failure
 * channel. The producer runs with {@code max.block.ms} set to {@link #SEND_WAIT_MS}, enough for a
 * metadata round trip to a cluster that answers (so a topic the caller may not see fails with Kafka's
 * authorization error), and it refuses a record it still cannot take (no metadata for its topic, or a
 * full buffer). Such a record waits in its topic's {@link Backlog}, without a thread, for what the
 * configured {@code max.block.ms} allows (at most {@code delivery.timeout.ms}) and is then failed; while
 * the cluster does not answer, records go to the backlog without being offered. So no thread waits
 * {@code max.block.ms} for Kafka, and every record is answered in time, whatever Kafka does.
 *
 * <p>A record Kafka did not append only because another record in its producer batch was invalid (the
 * producer fails the whole batch, and records of other streams share it) is sent again, once: it was
 * not stored, so sending it again cannot duplicate it. It may then be stored after records its stream
 * sent later. The proxy checks records against everything it knows the broker would refuse, so this
 * happens only when the broker refuses a record for a reason the proxy could not know (a topic
 * configuration changed since the proxy read it, say).
 */
public final class RecordSender implements AutoCloseable {

  /** What the producer fails a record with that Kafka did not append because of another record. */
  static final String INNOCENT = "Failed to append record because it was part of a batch which had one more more invalid records";

  /** How long one offer to the producer may wait for metadata or buffer space (its {@code max.block.ms}). */
  static final long SEND_WAIT_MS = 50;

  private static final long MAX_BLOCK_MS_DEFAULT = 60_000;
  private static final long DELIVERY_TIMEOUT_MS_DEFAULT = 120_000;

  private final Producer<byte[], byte[]> producer;
  private final AutoCloseable metrics;
  private final ScheduledExecutorService timer;
  private final Executor drainer;
  private final BooleanSupplier reachable;
  private final long waitMillis;
  private final LongSupplier nanoTime;
  private final Map<String, Backlog> backlogs = new ConcurrentHashMap<>();

  /** Publishes a producer's own metrics until the returned binding is closed. */
  @FunctionalInterface
  public interface MetricsBinder {
    AutoCloseable bind(Producer<?, ?> producer);
  }

  /**
   * A sender over a new {@link KafkaProducer} built from {@code properties}, its metrics published
   * through {@code binder} while it is open.
   *
   * @param timer times the offers of held records, and sends again the records of a refused batch (see
   *     the class comment): never the producer's own I/O thread
   * @param drainer offers held records to the producer, which may wait {@link #SEND_WAIT_MS}
   * @param reachable whether the cluster answers now (see {@link ClusterMetadata#reachable})
   */
  public static RecordSender create(
      Map<String, Object> properties,
      MetricsBinder binder,
      ScheduledExecutorService timer,
      Executor drainer,
      BooleanSupplier reachable) {
    Map<String, Object> nonBlocking = new HashMap<>(properties);
    long waitMillis =
        Math.min(
            millis(properties, ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS_DEFAULT),
            millis(properties, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS_DEFAULT));
    nonBlocking.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_WAIT_MS);
    Producer<byte[], byte[]> producer =
        new KafkaProducer<>(nonBlocking, new ByteArraySerializer(), new ByteArraySerializer());
    try {
      return new RecordSender(producer, binder.bind(producer), timer, drainer, reachable, waitMillis, System::nanoTime);
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  private static long millis(Map<String, Object> properties, String key, long fallback) {
    Object value = properties.get(key);
    return value == null ? fallback : Long.parseLong(value.toString().trim());
  }

  /** A sender over {@code producer}, which it owns; refused records wait {@code waitMillis} at most, on {@code timer}. */
  public RecordSender(
      Producer<byte[], byte[]> producer, ScheduledExecutorService timer, BooleanSupplier reachable, long waitMillis, LongSupplier nanoTime) {
    this(producer, () -> {}, timer, timer, reachable, waitMillis, nanoTime);
  }

  private RecordSender(
      Producer<byte[], byte[]> producer, AutoCloseable metrics, ScheduledExecutorService timer, Executor drainer,
      BooleanSupplier reachable, long waitMillis, LongSupplier nanoTime) {
    this.producer = producer;
    this.metrics = metrics;
    this.timer = timer;
    this.drainer = drainer;
    this.reachable = reachable;
    this.waitMillis = waitMillis;
    this.nanoTime = nanoTime;
  }

  /**
   * Hands {@code record} to the producer, or holds it until the producer can take it. Never blocks.
   *
   * <p>A record larger than {@code rules} (its topic's) let the broker take is refused here, before the
   * producer sees it ({@link OutgoingRecord#sizeUpperBound} says why it must never see one).
   *
   * <p>Records sent from one thread to one partition are stored in the order sent. {@code answer} makes
   * what the returned future completes with, from where the record was stored or from why it was not: a
   * {@link KafkaFailure} (kind {@code RETRIABLE} if the producer could not take it in time) or an {@link
   * OversizedRecordException}. It runs on the producer's I/O thread or on the timer (see {@link
   * org.apache.kafka.clients.producer.Callback}), so it must be quick and never block; so must whatever
   * depends on the future.
   */
  public <T> CompletableFuture<T> send(
      OutgoingRecord record, TopicRules rules, BiFunction<Delivery, Throwable, T> answer) {
    CompletableFuture<T> answered = new CompletableFuture<>();
    send(record, rules, (stored, error) -> {
      try {
        answered.complete(answer.apply(stored, error));
      } catch (RuntimeException e) {
        answered.completeExceptionally(e); // a bug in answer: the future still completes
      }
    });
    return answered;
  }

  /** Sends, then tells {@code then} where the record was stored, or why not (translated). */
  private void send(OutgoingRecord record, TopicRules rules, BiConsumer<Delivery, Throwable> then) {
    if (record.sizeUpperBound() > rules.maxMessageBytes()) {
      then.accept(null, new OversizedRecordException(rules.maxMessageBytes()));
      return;
    }
    BiConsumer<Delivery, Throwable> translated =
        (stored, error) -> then.accept(stored, error == null ? null : KafkaFailure.translate(error));
    attempt(record)
        .whenComplete(
            (stored, error) -> {
              if (error != null && isInnocent(error)) {
                timer.execute(() -> attempt(record).whenComplete(translated));
              } else {
                translated.accept(stored, error);
              }
            });
  }

  /** Whether {@code error} only says that another record of the same batch was invalid. */
  static boolean isInnocent(Throwable error) {
    return error.getClass() == KafkaException.class && INNOCENT.equals(error.getMessage());
  }

  /** One try: to the producer, or behind the records of its topic that the producer refused. */
  private CompletableFuture<Delivery> attempt(OutgoingRecord record) {
    Backlog.Held held =
        new Backlog.Held(record, new CompletableFuture<>(), nanoTime.getAsLong() + waitMillis * 1_000_000);
    String topic = record.topic();
    while (true) {
      Backlog backlog = backlogs.get(topic);
      Throwable refusal = null;
      if (backlog == null) {
        if (reachable.getAsBoolean()) {
          refusal = offer(held);
          if (refusal == null) {
            return held.delivery();
          }
        }
        Backlog fresh =
            new Backlog(
                topic, h -> offer(h) == null, reachable, timer, drainer, nanoTime, waitMillis, b -> backlogs.remove(topic, b));
        backlog = backlogs.putIfAbsent(topic, fresh);
        backlog = backlog == null ? fresh : backlog;
      }
      if (backlog.add(held, refusal)) {
        return held.delivery();
      }
      backlogs.remove(topic, backlog); // emptied meanwhile: offer the record directly
    }
  }

  /**
   * Offers {@code held} to the producer, waiting at most {@link #SEND_WAIT_MS}: null if it took the record
   * (its future completes when Kafka answers), or why it refused for now (no metadata, full buffer), in
   * which case nothing happened to the record.
   */
  private Throwable offer(Backlog.Held held) {
    Thread caller = Thread.currentThread();
    boolean[] returned = {false};
    Throwable[] refused = {null};
    CompletableFuture<Delivery> delivery = held.delivery();
    try (Scope span = held.record().enterSpan()) {
      producer.send(
          held.record().toProducerRecord(),
          (metadata, error) -> {
            if (error == null) {
              delivery.complete(new Delivery(metadata.partition(), metadata.offset(), metadata.timestamp()));
            } else if (error instanceof TimeoutException && !returned[0] && Thread.currentThread() == caller) {
              refused[0] = error; // refused inside send: the record is not in the producer
            } else {
              delivery.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      delivery.completeExceptionally(e);
    }
    returned[0] = true;
    return refused[0];
  }

  /**
   * Sends what is buffered, waiting at most {@code timeout}, and releases the producer. Records still held
   * (the producer could not take them) are offered once more, and those it still refuses fail.
   */
  public void close(Duration timeout) {
    for (Backlog backlog : backlogs.values()) {
      backlog.drain();
      backlog.close(new TimeoutException("Tributary is stopping: the record was not sent."));
    }
    try {
      metrics.close();
    } catch (Exception e) {
      // Metrics that could not be unpublished do not stop the producer from closing.
    }
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}

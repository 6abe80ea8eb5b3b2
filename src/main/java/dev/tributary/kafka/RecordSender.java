package dev.tributary.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one place that touches the Kafka producer. Thread-safe; one instance serves every stream.
 *
 * <p>{@link #send} never throws: a synchronous failure from the producer (a bad record, a closed
 * producer, a metadata wait that ran out) becomes a failed future, so callers have one failure channel.
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

  private final Producer<byte[], byte[]> producer;
  private final AutoCloseable metrics;
  private final Executor resends;

  /** Publishes a producer's own metrics until the returned binding is closed. */
  @FunctionalInterface
  public interface MetricsBinder {
    AutoCloseable bind(Producer<?, ?> producer);
  }

  /**
   * A sender over a new {@link KafkaProducer} built from {@code properties}, its metrics published
   * through {@code binder} while it is open.
   *
   * @param resends sends a record again (see the class comment): never the producer's own I/O thread,
   *     on which a {@code send} that waits for buffer space could wait for itself
   */
  public static RecordSender create(Map<String, Object> properties, MetricsBinder binder, Executor resends) {
    Producer<byte[], byte[]> producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    try {
      return new RecordSender(producer, binder.bind(producer), resends);
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  /** A sender over {@code producer}, which it then owns and closes; records are sent again on {@code resends}. */
  public RecordSender(Producer<byte[], byte[]> producer, Executor resends) {
    this(producer, () -> {}, resends);
  }

  private RecordSender(Producer<byte[], byte[]> producer, AutoCloseable metrics, Executor resends) {
    this.producer = producer;
    this.metrics = metrics;
    this.resends = resends;
  }

  /**
   * Hands {@code record} to the producer.
   *
   * <p>Records sent from one thread to one partition are stored in the order sent. The returned future
   * completes on the producer's I/O thread, so whatever depends on it must move elsewhere before doing
   * any work that could block (see {@link org.apache.kafka.clients.producer.Callback}). The calling
   * thread may block while the producer fetches metadata or waits for buffer space, for at most {@code
   * max.block.ms}.
   *
   * @return completes with where the record was stored, or fails with Kafka's exception
   */
  public CompletableFuture<Delivery> send(OutgoingRecord record) {
    CompletableFuture<Delivery> delivery = new CompletableFuture<>();
    sendOnce(record)
        .whenComplete(
            (stored, error) -> {
              if (error != null && isInnocent(error)) {
                resends.execute(() -> sendOnce(record).whenComplete(RecordSender.into(delivery)));
              } else {
                RecordSender.<Delivery>into(delivery).accept(stored, error);
              }
            });
    return delivery;
  }

  /** Whether {@code error} only says that another record of the same batch was invalid. */
  static boolean isInnocent(Throwable error) {
    return error.getClass() == KafkaException.class && INNOCENT.equals(error.getMessage());
  }

  private static <T> BiConsumer<T, Throwable> into(CompletableFuture<T> future) {
    return (value, error) -> {
      if (error != null) {
        future.completeExceptionally(error);
      } else {
        future.complete(value);
      }
    };
  }

  private CompletableFuture<Delivery> sendOnce(OutgoingRecord record) {
    CompletableFuture<Delivery> delivery = new CompletableFuture<>();
    try {
      producer.send(
          toProducerRecord(record),
          (metadata, error) -> {
            if (error != null) {
              delivery.completeExceptionally(error);
            } else {
              delivery.complete(
                  new Delivery(metadata.partition(), metadata.offset(), metadata.timestamp()));
            }
          });
    } catch (RuntimeException e) {
      delivery.completeExceptionally(e);
    }
    return delivery;
  }

  /** The bytes the record carries: key, value, and header names and values. */
  public static long payloadBytes(OutgoingRecord record) {
    long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    for (OutgoingRecord.Header header : record.headers()) {
      size += header.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      size += header.value() == null ? 0 : header.value().length;
    }
    return size;
  }

  /**
   * An upper bound of the bytes {@code record} takes alone in an uncompressed batch (record format v2),
   * to compare with a topic's {@code max.message.bytes} before sending.
   *
   * <p>Why: a record over the topic's limit that shares a batch with others makes the producer split
   * and retry that batch without end, until its I/O thread dies of a stack overflow (seen with
   * kafka-clients 4.4.0), and with it every stream. Such a record must not reach the producer.
   */
  public static long sizeUpperBound(OutgoingRecord record) {
    final int batchOverhead = 61;
    final int maxVarint = 5;
    final int maxVarlong = 10;
    // Length, attributes, timestamp delta, offset delta, key and value lengths, header count; then
    // each header's two lengths.
    long fixed = maxVarint + 1 + maxVarlong + maxVarint + maxVarint + maxVarint + maxVarint;
    return batchOverhead + fixed + 2L * maxVarint * record.headers().size() + payloadBytes(record);
  }

  private static ProducerRecord<byte[], byte[]> toProducerRecord(OutgoingRecord record) {
    Header[] headers = new Header[record.headers().size()];
    for (int i = 0; i < headers.length; i++) {
      OutgoingRecord.Header header = record.headers().get(i);
      headers[i] = new RecordHeader(header.name(), header.value());
    }
    return new ProducerRecord<>(
        record.topic(),
        record.partition(),
        record.timestamp(),
        record.key(),
        record.value(),
        java.util.Arrays.asList(headers));
  }

  /** Sends what is buffered, waiting at most {@code timeout}, and releases the producer. */
  public void close(Duration timeout) {
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

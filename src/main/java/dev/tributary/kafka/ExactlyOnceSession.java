package dev.tributary.kafka;

import io.opentelemetry.context.Scope;
import jakarta.annotation.Nullable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One exactly-once stream's transactional producer, and the thread that drives it: records go to Kafka
 * in transactions, each committed together with the stream's committed sequence (see {@link
 * ExactlyOncePool}), at least every commit interval, and when the stream finishes.
 *
 * <p>What a record's future means: it completes only once the record's transaction is decided. Produced
 * means committed, visible to {@code read_committed} consumers; a failed transaction fails every record
 * in it, each with its own error if Kafka refused it, else {@link KafkaFailure.Kind#TRANSACTION_ABORTED}.
 *
 * <p>A prefix, never a gap: the committed sequence always ends at the last record produced. So the
 * session ends at the first record not produced: a record refused before it was sent ({@link #stopAfter})
 * lets the transaction before it commit; a transaction that fails ends the session after it. From then
 * on, every record sent gets {@link KafkaFailure.Kind#NOT_PRODUCED_AFTER_FAILURE} at once, and the
 * client resends from the first record that was not produced.
 *
 * <p>Takeover: a newer session of the same id, on any instance, fences this one's producer; this session
 * learns it from its next write to Kafka (or at once, from the pool, when the newer one is on this
 * instance). Its open transaction is aborted, its records and every later one get {@link
 * KafkaFailure.Kind#TAKEN_OVER}, and the session ends.
 *
 * <p>Threads: {@link #at}'s sends, {@link #stopAfter}, {@link #finish} and {@link #close} are called by
 * the stream's worker, in request order, and queued; the session's own thread takes them in that order,
 * so no record is sent while a commit is under way (Kafka's producer refuses that) and the commit of a
 * transaction only waits for the records already in it. Futures complete on that thread.
 */
public final class ExactlyOnceSession {

  private static final Logger LOG = Logger.getLogger(ExactlyOnceSession.class.getName());
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** How long a session waits for an older one of its id, on this instance, to finish opening. */
  private static final Duration OLDER_OPENING = Duration.ofSeconds(30);

  /** Told when the session takes no more records: taken over, or after a record that was not produced. */
  public interface Listener {
    /** On the session's thread, once. */
    void ended();
  }

  private static final Object FINISH = new Object();
  private static final Object TAKEN_OVER = new Object();
  private static final Object CLOSE = new Object();

  /** The record of {@code sequence} was not produced: the session ends after what is before it. */
  private record Stop(long sequence) {}

  /** Nothing open is produced: it is aborted, each of its records failing with {@code why}. */
  private record AbortAll(Throwable why) {}

  /** One record, in its transaction. */
  private static final class Entry {
    OutgoingRecord record; // until sent: the producer then holds its bytes
    final long sequence;
    final long bytes;
    final BiConsumer<Delivery, Throwable> then;
    volatile Delivery stored; // set by the producer's callback, before commitTransaction returns
    volatile Throwable error;

    Entry(OutgoingRecord record, long sequence, long bytes, BiConsumer<Delivery, Throwable> then) {
      this.record = record;
      this.sequence = sequence;
      this.bytes = bytes;
      this.then = then;
    }
  }

  private final ExactlyOncePool pool;
  private final String id;
  private final Map<String, Object> producerProperties;
  @Nullable private final Map<String, Object> callerAdmin;
  private final long intervalNanos;
  private final int commitRecords;
  private final long commitBytes;
  private final TopicPartition stateKey;
  private final ConsumerGroupMetadata group;
  private final long arrivalNanos;
  private final Listener listener;
  private final CompletableFuture<Long> opened = new CompletableFuture<>();
  private final LinkedBlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
  /** Once set, what every record sent fails with. */
  private volatile KafkaFailure ending;
  /** A newer session of the id started on this instance. */
  private volatile boolean superseded;

  // The session thread's own.
  private Producer<byte[], byte[]> producer;
  private final List<Entry> transaction = new ArrayList<>();
  private long transactionBytes;
  private long deadline;

  ExactlyOnceSession(
      ExactlyOncePool pool,
      String id,
      Map<String, Object> producerProperties,
      @Nullable Map<String, Object> callerAdmin,
      Duration interval,
      int commitRecords,
      long commitBytes,
      TopicPartition stateKey,
      long arrivalNanos,
      Listener listener) {
    this.pool = pool;
    this.id = id;
    this.producerProperties = producerProperties;
    this.callerAdmin = callerAdmin;
    this.intervalNanos = interval.toNanos();
    this.commitRecords = Math.max(1, commitRecords);
    this.commitBytes = Math.max(1, commitBytes);
    this.stateKey = stateKey;
    this.group = new ConsumerGroupMetadata(id);
    this.arrivalNanos = arrivalNanos;
    this.listener = listener;
  }

  /** When the session's request arrived: of two on this instance, the later one is the newer. */
  long arrivalNanos() {
    return arrivalNanos;
  }

  /**
   * Completes once the session holds its id, with the id's last committed sequence (-1 for none); fails
   * with a {@link KafkaFailure} if Kafka refused (the principal may not use transactional ids, say).
   */
  public CompletableFuture<Long> opened() {
    return opened;
  }

  /** A sender of the record numbered {@code sequence}: the stream's records are numbered in order. */
  public Sender at(long sequence) {
    return new Sender() {
      @Override
      public <T> CompletableFuture<T> send(
          OutgoingRecord record, TopicRules rules, BiFunction<Delivery, Throwable, T> answer) {
        return ExactlyOnceSession.this.send(sequence, record, rules, answer);
      }
    };
  }

  private <T> CompletableFuture<T> send(
      long sequence, OutgoingRecord record, TopicRules rules, BiFunction<Delivery, Throwable, T> answer) {
    CompletableFuture<T> answered = new CompletableFuture<>();
    BiConsumer<Delivery, Throwable> then =
        (stored, error) -> {
          try {
            answered.complete(answer.apply(stored, error == null ? null : KafkaFailure.translate(error)));
          } catch (RuntimeException e) {
            answered.completeExceptionally(e); // a bug in answer: the future still completes
          }
        };
    KafkaFailure end = ending;
    if (end != null) {
      then.accept(null, end);
    } else if (record.sizeUpperBound() > rules.maxMessageBytes()) {
      then.accept(null, new OversizedRecordException(rules.maxMessageBytes()));
    } else {
      Entry entry = new Entry(record, sequence, record.payloadBytes(), then);
      tasks.add(entry);
      KafkaFailure late = ending;
      if (late != null && tasks.remove(entry)) {
        then.accept(null, late); // the session's thread may be gone: nobody else would answer it
      }
    }
    return answered;
  }

  /**
   * The record numbered {@code sequence} was not produced (refused before it was sent): the records
   * before it are committed, and the session ends.
   */
  public void stopAfter(long sequence) {
    tasks.add(new Stop(sequence));
  }

  /**
   * Aborts what is open, failing each of its records with {@code why}, and ends the session: a batch
   * that is produced whole or not at all ({@code records:batch}), one of whose entries was refused.
   */
  public void abortAll(Throwable why) {
    tasks.add(new AbortAll(why));
  }

  /** The body ended: what is open commits now. */
  public void finish() {
    tasks.add(FINISH);
  }

  /** The stream is over: what is still open is aborted, and the producer closes. Harmless twice. */
  public void close() {
    tasks.add(CLOSE);
  }

  /** A newer session of the id started on this instance. */
  void takenOver() {
    superseded = true;
    tasks.add(TAKEN_OVER);
  }

  /**
   * The session's thread: opens, then takes the stream's calls in order until {@link #close}.
   *
   * <p>Newer means later on this instance, too: {@code older}, the session of the same id opened here
   * before this one (or null), is told it is taken over and, should it still be opening, is waited for,
   * so that its {@code initTransactions} can never come after this one's and fence it (a client that
   * reconnects while its first request is still opening).
   */
  void run(@Nullable ExactlyOnceSession older) {
    try {
      if (older != null) {
        older.takenOver();
        try {
          older.opened.handle((committed, error) -> null).get(OLDER_OPENING.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillOpening) {
          // Kafka is slow to answer it: this one goes on; Kafka fences whichever is older
        }
      }
      pool.ensureStateTopic();
      producer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
      producer.initTransactions(); // fences every older producer of the id, and ends its transaction
      if (superseded) {
        throw takenOver(null); // a newer session of the id started here while this one opened
      }
      opened.complete(pool.committedSequence(id, callerAdmin));
    } catch (Exception e) {
        opened.completeExceptionally(KafkaFailure.translate(unwrapped(e)));
      shut();
      return;
    }
    try {
      work();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "An exactly-once session failed", e);
    } finally {
      if (ending == null) {
        ending = stopping(); // closed by its stream: nobody is left to tell
      }
      abort(stopping());
      shut();
      Object task;
      while ((task = tasks.poll()) != null) {
        if (task instanceof Entry entry) {
          entry.then.accept(null, ending);
        }
      }
    }
  }

  private void work() throws InterruptedException {
    while (true) {
      Object task =
          transaction.isEmpty() ? tasks.take() : tasks.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (task == null) {
        commit(); // the interval is up
      } else if (task instanceof Entry entry) {
        add(entry);
        if (!transaction.isEmpty()
            && (transaction.size() >= commitRecords
                || transactionBytes >= commitBytes
                || System.nanoTime() - deadline >= 0)) {
          commit();
        }
      } else if (task instanceof AbortAll abort) {
        long first = transaction.isEmpty() ? -1 : transaction.get(0).sequence;
        abort(abort.why());
        end(notProduced(first));
      } else if (task instanceof Stop stop) {
        commit();
        end(notProduced(stop.sequence()));
      } else if (task == FINISH) {
        commit();
      } else if (task == TAKEN_OVER) {
        KafkaFailure takenOver = takenOver(null);
        abort(takenOver);
        end(takenOver);
      } else if (task == CLOSE) {
        return;
      }
    }
  }

  /** Sends {@code entry} in the open transaction, beginning one if none is open. */
  private void add(Entry entry) {
    KafkaFailure end = ending;
    if (end != null) {
      entry.then.accept(null, end);
      return;
    }
    if (transaction.isEmpty()) {
      try {
        producer.beginTransaction();
      } catch (KafkaException | IllegalStateException e) {
        KafkaFailure why = isFenced(e) ? takenOver(e) : notProduced(entry.sequence);
        entry.then.accept(null, isFenced(e) ? why : e);
        end(why);
        return;
      }
      deadline = System.nanoTime() + intervalNanos;
      transactionBytes = 0;
    }
    transaction.add(entry);
    transactionBytes += entry.bytes;
    OutgoingRecord record = entry.record;
    entry.record = null; // the producer copies the bytes into its batch: the transaction holds numbers only
    try (Scope span = record.enterSpan()) {
      producer.send(
          record.toProducerRecord(),
          (stored, error) -> {
            if (error == null) {
              entry.stored = new Delivery(stored.partition(), stored.offset(), stored.timestamp());
            } else {
              entry.error = error;
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      entry.error = e; // the commit fails, and the transaction is aborted
    }
  }

  /**
   * Commits the open transaction with its last sequence; on success every record in it is produced, on
   * failure none is, and the session ends.
   */
  private void commit() {
    if (transaction.isEmpty()) {
      return;
    }
    List<Entry> entries = List.copyOf(transaction);
    transaction.clear();
    long first = entries.get(0).sequence;
    long last = entries.get(entries.size() - 1).sequence;
    try {
      producer.sendOffsetsToTransaction(Map.of(stateKey, new OffsetAndMetadata(last + 1)), group);
      producer.commitTransaction();
    } catch (TimeoutException e) {
      // The outcome is unknown: Kafka may still commit. Only a retry or closing is allowed now, and the
      // client learns the truth from the committed sequence when it reconnects.
      KafkaFailure unknown =
          new KafkaFailure(KafkaFailure.Kind.COMMIT_UNKNOWN, e.getMessage() == null ? "Timed out" : e.getMessage(), e);
      entries.forEach(entry -> entry.then.accept(null, unknown));
      end(notProduced(first));
      return;
    } catch (KafkaException | IllegalStateException e) {
      if (isFenced(e) || entries.stream().anyMatch(entry -> isFenced(entry.error))) {
        KafkaFailure takenOver = takenOver(e);
        entries.forEach(entry -> entry.then.accept(null, takenOver));
        end(takenOver);
        return;
      }
      abortQuietly();
      KafkaFailure aborted =
          new KafkaFailure(KafkaFailure.Kind.TRANSACTION_ABORTED, KafkaFailure.translate(e).getMessage(), e);
      entries.forEach(entry -> entry.then.accept(null, entry.error != null ? entry.error : aborted));
      end(notProduced(first));
      return;
    }
    for (Entry entry : entries) {
      entry.then.accept(entry.stored, entry.stored == null ? entry.error : null);
    }
  }

  /** Aborts the open transaction, failing its records with {@code why}. */
  private void abort(Throwable why) {
    if (transaction.isEmpty()) {
      return;
    }
    List<Entry> entries = List.copyOf(transaction);
    transaction.clear();
    abortQuietly();
    entries.forEach(entry -> entry.then.accept(null, why));
  }

  private void abortQuietly() {
    try {
      producer.abortTransaction();
    } catch (KafkaException | IllegalStateException e) {
      // Fenced, or Kafka is away: the coordinator aborts it on its own (taken over, or timed out).
    }
  }

  /** From now on every record fails with {@code why}; the listener hears it once. */
  private void end(KafkaFailure why) {
    if (ending == null) {
      ending = why;
      listener.ended();
    }
  }

  private void shut() {
    if (producer != null) {
      try {
        producer.close(CLOSE_TIMEOUT);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Closing an exactly-once producer failed", e);
      }
    }
    pool.closed(id, this);
  }

  static KafkaFailure takenOver(@Nullable Throwable cause) {
    return new KafkaFailure(
        KafkaFailure.Kind.TAKEN_OVER, "A newer stream with the same Tributary-Producer-Id took over.", cause);
  }

  private static KafkaFailure notProduced(long sequence) {
    return new KafkaFailure(KafkaFailure.Kind.NOT_PRODUCED_AFTER_FAILURE, String.valueOf(sequence), null);
  }

  private static KafkaFailure stopping() {
    return new KafkaFailure(KafkaFailure.Kind.RETRIABLE, "The stream ended before the record was committed.", null);
  }

  /** Whether {@code error} says a newer producer of the id fenced this one. */
  private static boolean isFenced(@Nullable Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ProducerFencedException
          || cause instanceof InvalidProducerEpochException
          || cause instanceof InvalidPidMappingException) {
        return true;
      }
      if (cause instanceof KafkaFailure failure && failure.kind() == KafkaFailure.Kind.TAKEN_OVER) {
        return true;
      }
    }
    return false;
  }

  private static Throwable unwrapped(Throwable error) {
    return error instanceof java.util.concurrent.ExecutionException && error.getCause() != null ? error.getCause() : error;
  }
}

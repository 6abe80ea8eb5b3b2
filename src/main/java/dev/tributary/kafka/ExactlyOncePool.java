package dev.tributary.kafka;

import static java.util.Objects.requireNonNull;

import dev.tributary.config.TributaryConfig;
import jakarta.annotation.Nullable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The exactly-once streams' producers: each stream that opts in (a request with {@code
 * Tributary-Producer-Id}) gets an {@link ExactlyOnceSession}, with a transactional producer and a thread
 * of its own, at most {@code exactly.once.producers.max} at once; a stream over the bound is refused
 * with a {@link PoolFullException}. Thread-safe.
 *
 * <p>Why one new producer per stream, closed when the stream ends, and no idle producers kept: a
 * transactional producer calls {@code initTransactions} once, and that call is what fences every older
 * stream with the same id, on any instance. A producer kept for the next stream of its id would skip it,
 * so a stream opened meanwhile elsewhere would not be taken over, and the committed sequence the new
 * stream is told could be stale.
 *
 * <p>Names. A producer id {@code id} of the principal {@code p} (empty when every request produces as the
 * proxy) is the transactional id and consumer group {@code tributary.enc(p).enc(id)}, where {@code enc}
 * keeps {@code [A-Za-z0-9_-]} and percent-encodes every other UTF-8 byte, dots included: so two
 * principals' ids never meet, and the ACL prefix {@code tributary.alice.} covers alice's ids alone.
 *
 * <p>Where the state lives: an id's last committed sequence {@code s} is its group's offset {@code s + 1}
 * on partition 0 of the state topic, committed in the same transaction as the records (as Kafka Streams
 * commits its input offsets). The topic is never written; it only keys the offsets.
 */
public final class ExactlyOncePool implements AutoCloseable {

  private static final String PREFIX = "tributary.";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** How long a committed sequence may stay unstable (a transaction of the id still completing). */
  private static final Duration STABLE_WAIT = Duration.ofSeconds(30);

  private final Map<String, Object> producerProperties;
  private final Map<String, Object> adminProperties;
  private final Map<String, Object> callerAdminProperties;
  private final String mechanism;
  private final TributaryConfig.ExactlyOnce settings;
  private final Semaphore permits;
  private final ThreadFactory threads;
  private final Admin admin;
  private final TopicPartition stateKey;
  private final Map<String, ExactlyOnceSession> open = new ConcurrentHashMap<>();
  private final AtomicLong clientIds = new AtomicLong();
  private volatile boolean stateTopicReady;
  private volatile boolean closed;

  /**
   * @param producerProperties every producer's settings (as the proxy's own producer's)
   * @param adminProperties the proxy's own Admin client settings (it creates the state topic)
   * @param mechanism with pass-through authentication, the SASL mechanism callers log in with
   * @param threads makes each session's thread
   */
  public ExactlyOncePool(
      Map<String, Object> producerProperties,
      Map<String, Object> adminProperties,
      String mechanism,
      TributaryConfig.ExactlyOnce settings,
      ThreadFactory threads) {
    this.producerProperties = Map.copyOf(producerProperties);
    this.adminProperties = Map.copyOf(adminProperties);
    this.callerAdminProperties = SenderFactory.withSecurity(adminProperties, producerProperties);
    this.mechanism = requireNonNull(mechanism, "mechanism");
    this.settings = requireNonNull(settings, "settings");
    this.permits = new Semaphore(settings.maxProducers());
    this.threads = requireNonNull(threads, "threads");
    this.admin = Admin.create(this.adminProperties);
    this.stateKey = new TopicPartition(settings.stateTopic(), 0);
  }

  /**
   * Opens a session for {@code producerId} as {@code lease}'s principal. Returns at once; the session
   * opens on its own thread, and {@link ExactlyOnceSession#opened} completes with the id's committed
   * sequence or fails.
   *
   * <p>Which stream is newer, on this instance, is decided by when the requests arrived ({@code
   * arrivalNanos}), not by which one's checks finished first: a request that arrived before the one
   * now holding the id here is refused as taken over, at once, without touching Kafka. (A client that
   * reconnects while its cut-off first request is still being checked must not be taken over by it.)
   *
   * @param arrivalNanos when the request arrived ({@link System#nanoTime})
   * @param commitRecords a transaction commits once it holds this many records, or {@code commitBytes}
   * @param listener told when the session takes no more records (on the session's thread)
   * @throws PoolFullException when {@code exactly.once.producers.max} sessions are open
   * @throws KafkaFailure of kind {@code TAKEN_OVER} when a newer request holds the id here
   */
  public ExactlyOnceSession open(
      SenderLease lease,
      String producerId,
      long arrivalNanos,
      int commitRecords,
      long commitBytes,
      ExactlyOnceSession.Listener listener) {
    return open(lease, producerId, arrivalNanos, commitRecords, commitBytes, settings.commitInterval(), listener);
  }

  /**
   * As {@link #open}, for a batch: its one transaction commits only when {@link ExactlyOnceSession#finish}
   * is called, however long its records take or however many they are.
   */
  public ExactlyOnceSession openWhole(SenderLease lease, String producerId, long arrivalNanos) {
    return open(lease, producerId, arrivalNanos, Integer.MAX_VALUE, Long.MAX_VALUE, WHOLE, () -> {});
  }

  /** A batch's transaction is committed by its end, never by the clock. */
  private static final Duration WHOLE = Duration.ofDays(365);

  private ExactlyOnceSession open(
      SenderLease lease,
      String producerId,
      long arrivalNanos,
      int commitRecords,
      long commitBytes,
      Duration interval,
      ExactlyOnceSession.Listener listener) {
    if (closed) {
      throw new IllegalStateException("The exactly-once pool is closed");
    }
    if (!permits.tryAcquire()) {
      throw new PoolFullException(settings.maxProducers(), true);
    }
    KafkaCredentials credentials = lease.credentials();
    String id = transactionalId(credentials == null ? "" : credentials.username(), producerId);
    Map<String, Object> properties = new HashMap<>(producerProperties);
    properties.put("transactional.id", id);
    properties.put("client.id", clientIdPrefix() + "eos-" + clientIds.incrementAndGet());
    // A crashed instance's open transaction holds back read_committed readers until this timeout.
    properties.putIfAbsent("transaction.timeout.ms", String.valueOf(Math.max(10_000, 4 * settings.commitInterval().toMillis())));
    properties.putIfAbsent("retry.backoff.ms", "20"); // a takeover waits for the older transaction's abort
    properties.putIfAbsent("enable.metrics.push", "false");
    Map<String, Object> callerAdmin = null;
    if (credentials != null) {
      String jaas = credentials.jaasConfig(mechanism);
      properties.put("sasl.jaas.config", jaas);
      callerAdmin = new HashMap<>(callerAdminProperties);
      callerAdmin.put("sasl.jaas.config", jaas);
    }
    ExactlyOnceSession session =
        new ExactlyOnceSession(
            this, id, properties, callerAdmin, interval, commitRecords, commitBytes, stateKey,
            arrivalNanos, listener);
    ExactlyOnceSession[] replaced = {null};
    ExactlyOnceSession holder =
        open.compute(
            id,
            (key, current) -> {
              if (current != null && current.arrivalNanos() - arrivalNanos > 0) {
                return current; // a newer request holds the id
              }
              replaced[0] = current;
              return session;
            });
    if (holder != session) {
      permits.release();
      throw ExactlyOnceSession.takenOver(null);
    }
    ExactlyOnceSession older = replaced[0];
    try {
      threads.newThread(() -> session.run(older)).start();
    } catch (RuntimeException | Error e) {
      open.remove(id, session);
      permits.release();
      throw e;
    }
    return session;
  }

  /** The transactional id (and group) of {@code producerId} for {@code principal}: see the class comment. */
  static String transactionalId(String principal, String producerId) {
    return PREFIX + encoded(principal) + "." + encoded(producerId);
  }

  private static String encoded(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-') {
        out.write(b);
      } else {
        out.writeBytes(String.format("%%%02X", b & 0xFF).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private String clientIdPrefix() {
    Object clientId = producerProperties.get("client.id");
    return (clientId == null || clientId.toString().isBlank() ? "tributary" : clientId) + "-";
  }

  /** Creates the state topic (one partition) unless it exists. On a session's thread. */
  void ensureStateTopic() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    if (stateTopicReady) {
      return;
    }
    try {
      admin.describeTopics(List.of(stateKey.topic())).allTopicNames().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw e;
      }
      try {
        admin
            .createTopics(List.of(new NewTopic(stateKey.topic(), Optional.of(1), Optional.empty())))
            .all()
            .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException created) {
        if (!(created.getCause() instanceof TopicExistsException)) {
          throw created;
        }
      }
    }
    stateTopicReady = true;
  }

  /** {@code session}'s producer is closed: its permit comes back, and it no longer holds its id here. */
  void closed(String id, ExactlyOnceSession session) {
    open.remove(id, session);
    permits.release();
  }

  /**
   * The last committed sequence of the group {@code id}: -1 if it has none. Read once the id's producer
   * has fenced every older one, so no transaction of the id is still open; while one still completes its
   * offset is unstable (Kafka leaves the partition out of the answer), and this asks again.
   *
   * @param callerAdmin the caller's own Admin settings (pass-through), or null to ask as the proxy
   */
  long committedSequence(String id, @Nullable Map<String, Object> callerAdmin)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    Admin reader = callerAdmin == null ? admin : Admin.create(callerAdmin);
    try {
      long deadline = System.nanoTime() + STABLE_WAIT.toNanos();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            reader
                .listConsumerGroupOffsets(
                    Map.of(id, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(stateKey))),
                    new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata(id)
                .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (offsets.containsKey(stateKey)) {
          OffsetAndMetadata offset = offsets.get(stateKey);
          return offset == null ? -1 : offset.offset() - 1;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException("The committed sequence of the producer id stayed unstable for " + STABLE_WAIT);
        }
        Thread.sleep(20); // a backoff, while the older transaction's markers are written
      }
    } finally {
      if (reader != admin) {
        reader.close(Duration.ofSeconds(5));
      }
    }
  }

  /** How many sessions are open (or opening). */
  public int size() {
    return settings.maxProducers() - permits.availablePermits();
  }

  /** Closes every session: each aborts what it has not committed and closes its producer. */
  @Override
  public void close() {
    closed = true;
    open.values().forEach(ExactlyOnceSession::close);
    admin.close(Duration.ofSeconds(5));
  }
}

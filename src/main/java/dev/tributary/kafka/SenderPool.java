package dev.tributary.kafka;

import jakarta.annotation.Nullable;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@link RecordSender} per Kafka principal, so that each caller produces as itself and Kafka's ACLs
 * decide what it may write. Bounded: at most {@code maxSize} producers exist at once.
 *
 * <ul>
 *   <li>A principal's first request proves its credentials (see {@link CredentialCheck}) before a
 *       producer is built; later requests with the same credentials share that producer, whatever
 *       connection they arrive on.
 *   <li>Producers are found by user name <em>and</em> password: a request with a user name whose
 *       producer exists but another password is a new principal to prove, never a user of that producer.
 *       Passwords are compared as salted SHA-256 digests, never kept as keys.
 *   <li>When the pool is full, the least recently used producer that no request holds is closed to make
 *       room (before the new one is built, so there are never more than {@code maxSize}); when every
 *       producer is held, a new principal gets 429 rather than growing the pool.
 *   <li>{@link #closeIdle} closes producers no request has held for the idle timeout.
 *   <li>A producer whose credentials Kafka rejects later (see {@link SenderLease#invalidate}) leaves
 *       the pool at once and is closed when its last request ends; while such producers are still
 *       held, they are counted apart from {@code maxSize}.
 * </ul>
 *
 * Each producer's {@code client.id} is a sequence number, so metrics and logs never name a principal.
 * Thread-safe.
 */
public final class SenderPool implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SenderPool.class.getName());
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final SenderFactory factory;
  private final int maxSize;
  private final long idleNanos;
  private final Executor closer;
  private final LongSupplier nanoTime;
  private final byte[] salt = new byte[16];
  /** In access order: the first entry is the least recently used. Guarded by {@code this}. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  private static final class Entry {
    final CompletableFuture<RecordSender> sender = new CompletableFuture<>();
    int leases;
    long lastReleased;
    boolean retired; // out of the pool, closed once no request holds it
  }

  /** Retired producers some request still holds. Guarded by {@code this}. */
  private final Set<Entry> retired = new HashSet<>();

  /** @param closer closes idle producers, which may take up to 30 s each, off the caller's thread */
  SenderPool(SenderFactory factory, int maxSize, Duration idleTimeout, Executor closer, LongSupplier nanoTime) {
    this.factory = factory;
    this.maxSize = maxSize;
    this.idleNanos = idleTimeout.toNanos();
    this.closer = closer;
    this.nanoTime = nanoTime;
    new SecureRandom().nextBytes(salt);
  }

  /**
   * A pool of real Kafka producers (see {@link SenderFactory#create} for what each is made from).
   *
   * @param closer closes idle producers, which may take up to 30 s each, off the caller's thread
   */
  public static SenderPool create(
      Map<String, Object> producerProperties, Map<String, Object> adminProperties, String mechanism, int maxSize,
      Duration idleTimeout, Executor closer, Executor drainer, ScheduledExecutorService timer,
      BooleanSupplier reachable, RecordSender.MetricsBinder metrics) {
    SenderFactory factory =
        SenderFactory.create(producerProperties, adminProperties, mechanism, drainer, timer, reachable, metrics);
    return new SenderPool(factory, maxSize, idleTimeout, closer, System::nanoTime);
  }

  /**
   * The producer for {@code credentials}, proving them first if no producer has them yet. May wait for
   * Kafka (at most {@link ClusterMetadata#REQUEST_TIMEOUT}): call it off the container's threads.
   *
   * @throws KafkaFailure when Kafka rejects the credentials (kind {@code AUTHENTICATION}) or cannot be asked
   * @throws PoolFullException when the pool is full and every producer in it is in use
   */
  public SenderLease acquire(KafkaCredentials credentials) {
    String key = credentials.poolKey(salt);
    Entry entry;
    Entry evicted = null;
    boolean mine = false;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("The producer pool is closed");
      }
      entry = entries.get(key);
      if (entry == null) {
        if (entries.size() >= maxSize) {
          evicted = leastRecentlyUsedIdle();
          if (evicted == null) {
            throw new PoolFullException(maxSize);
          }
        }
        entry = new Entry();
        entries.put(key, entry);
        mine = true;
      }
      entry.leases++;
    }
    if (evicted != null) {
      closeNow(evicted); // before building another, so there are never more than maxSize producers
    }
    if (mine) {
      build(key, entry, credentials);
    }
    try {
      RecordSender sender = entry.sender.join();
      Entry held = entry;
      return SenderLease.pooled(sender, credentials, () -> release(held), () -> retire(key, held));
    } catch (CompletionException e) {
      release(entry);
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private void build(String key, Entry entry, KafkaCredentials credentials) {
    try {
      entry.sender.complete(factory.open(credentials));
    } catch (RuntimeException e) {
      synchronized (this) {
        entries.remove(key, entry);
      }
      entry.sender.completeExceptionally(KafkaFailure.translate(e));
    }
  }

  private synchronized void release(Entry entry) {
    entry.leases--;
    entry.lastReleased = nanoTime.getAsLong();
    if (entry.retired && entry.leases == 0 && retired.remove(entry)) {
      closeLater(entry);
    }
  }

  /**
   * Takes a producer whose credentials Kafka rejected out of the pool: the next request with them
   * proves them again (and gets 401). The producer is closed once no request holds it.
   */
  private synchronized void retire(String key, Entry entry) {
    if (!entries.remove(key, entry)) {
      return;
    }
    entry.retired = true;
    if (entry.leases == 0) {
      closeLater(entry);
    } else {
      retired.add(entry);
    }
  }

  /** Removes and returns the least recently used producer no request holds; null if every one is held. */
  @Nullable
  private Entry leastRecentlyUsedIdle() {
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.leases == 0 && entry.sender.isDone()) {
        it.remove();
        return entry;
      }
    }
    return null;
  }

  /** Closes the producers that no request has held for the idle timeout. */
  public void closeIdle() {
    long now = nanoTime.getAsLong();
    synchronized (this) {
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        Entry entry = it.next();
        if (entry.leases == 0 && entry.sender.isDone() && now - entry.lastReleased >= idleNanos) {
          it.remove();
          closeLater(entry);
        }
      }
    }
  }

  /** How many producers the pool holds (or is proving credentials for). */
  public synchronized int size() {
    return entries.size();
  }

  private void closeLater(Entry entry) {
    closer.execute(() -> closeNow(entry));
  }

  private static void closeNow(Entry entry) {
    RecordSender sender = entry.sender.getNow(null);
    if (sender != null) {
      try {
        sender.close(CLOSE_TIMEOUT);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Closing a pooled Kafka producer failed", e);
      }
    }
  }

  /** Closes every producer, delivering what each has buffered. */
  @Override
  public void close() {
    List<Entry> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(entries.values());
      all.addAll(retired);
      entries.clear();
      retired.clear();
    }
    // A login in progress ends within the check's timeout, with a producer or without.
    all.forEach(entry -> entry.sender.handle((sender, failure) -> sender).join());
    all.forEach(SenderPool::closeNow);
  }
}

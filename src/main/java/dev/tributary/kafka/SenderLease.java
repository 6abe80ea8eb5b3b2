package dev.tributary.kafka;

import static java.util.Objects.requireNonNull;

import jakarta.annotation.Nullable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * The use of a {@link RecordSender} by one request, from its checks until its last report. Closing it
 * gives the sender back; closing it twice is harmless. A send whose credentials Kafka rejects (a password
 * changed, a user deleted) retires the sender: no later request gets it, so the next one proves its
 * credentials afresh.
 */
public final class SenderLease implements Sender, AutoCloseable {

  private final RecordSender sender;
  private final Runnable release;
  /** Retires the sender; nothing for a shared sender, whose credentials are the proxy's own. */
  private final Runnable retire;
  /** Whether the sender proves a client's own credentials, so a rejected send must retire it. */
  private final boolean ownCredentials;
  /** The caller's own credentials, which an exactly-once producer logs in with; null for a shared sender. */
  @Nullable private final KafkaCredentials credentials;
  private final AtomicBoolean released = new AtomicBoolean();

  private SenderLease(
      RecordSender sender, Runnable release, Runnable retire, @Nullable KafkaCredentials credentials) {
    this.sender = requireNonNull(sender, "sender");
    this.release = release;
    this.retire = retire;
    this.ownCredentials = credentials != null;
    this.credentials = credentials;
  }

  /** A lease on a sender that is shared by every request and never given back. */
  public static SenderLease shared(RecordSender sender) {
    return new SenderLease(sender, () -> {}, () -> {}, null);
  }

  /**
   * A lease on a pooled sender that proves one client's credentials: {@code release} gives it back,
   * {@code retire} takes it out of the pool once Kafka rejects them.
   */
  static SenderLease pooled(RecordSender sender, KafkaCredentials credentials, Runnable release, Runnable retire) {
    return new SenderLease(
        sender, requireNonNull(release, "release"), requireNonNull(retire, "retire"), requireNonNull(credentials, "credentials"));
  }

  /** {@link RecordSender#send(OutgoingRecord, TopicRules, BiFunction)}, watching for rejected credentials. */
  @Override
  public <T> CompletableFuture<T> send(
      OutgoingRecord record, TopicRules rules, BiFunction<Delivery, Throwable, T> answer) {
    if (!ownCredentials) {
      return sender.send(record, rules, answer);
    }
    return sender.send(
        record,
        rules,
        (stored, error) -> {
          if (error instanceof KafkaFailure failure && failure.kind() == KafkaFailure.Kind.AUTHENTICATION) {
            invalidate();
          }
          return answer.apply(stored, error);
        });
  }

  /** Retires the sender, as a rejected send does; harmless for a shared sender. */
  void invalidate() {
    retire.run();
  }

  /** The caller's credentials, proven by Kafka; null when every request produces as the proxy. */
  @Nullable
  KafkaCredentials credentials() {
    return credentials;
  }

  RecordSender sender() {
    return sender;
  }

  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      release.run();
    }
  }
}

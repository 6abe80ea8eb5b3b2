package dev.tributary.produce;

import static java.util.Objects.requireNonNull;

import dev.tributary.auth.Authenticator;
import dev.tributary.config.StreamSettings;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.ExactlyOncePool;
import dev.tributary.kafka.ExactlyOnceSession;
import dev.tributary.kafka.SenderLease;
import dev.tributary.metrics.ProxyMetrics;
import dev.tributary.produce.record.TraceContext;
import jakarta.annotation.Nullable;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Opens produce streams: checks everything that fails a request as a whole (spec section 4, top level),
 * then hands the exchange to a {@link ProduceStream} that answers record by record. One instance serves
 * every request.
 */
public final class StreamOpener {

  /** The request header that opts a stream into exactly-once, naming its writer. */
  public static final String PRODUCER_ID = "Tributary-Producer-Id";
  /** The request header with the body's first record's number (default 0). */
  public static final String SEQUENCE = "Tributary-Sequence";
  /** The response header with the producer id's last committed sequence before this request (or -1). */
  public static final String COMMITTED_SEQUENCE = "Tributary-Committed-Sequence";

  private static final Pattern PRODUCER_IDS = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern SEQUENCES = Pattern.compile("[0-9]{1,19}");

  /** What an exactly-once request asks for: its producer id and its body's first record's number. */
  record ExactlyOnceRequest(String producerId, long first) {

    /** Why the body cannot follow an id whose last committed sequence is {@code committed}; null if it can. */
    @Nullable
    TributaryException gapAfter(long committed) {
      return first > committed + 1 ? TributaryException.of(ErrorCode.SEQUENCE_GAP, first, committed, committed + 1) : null;
    }
  }

  private final StreamContext shared;
  private final ProxyMetrics metrics;
  private final RequestChecks checks;
  private final ExactlyOncePool exactlyOnce;
  /** The streams open now; guarded by itself for the wait in {@link #stop}. */
  private final Set<ProduceStream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;
  /** How long the stop waits for a closed stream's exchange to be reported ended. */
  private static final long END_WAIT_NANOS = 1_000_000_000L;

  /**
   * @param shared what every stream shares: its settings, record pipeline, mapper, pools and timers
   * @param exactlyOnce opens the sessions of the streams that opt into exactly-once
   */
  public StreamOpener(
      StreamContext shared,
      Authenticator authenticator,
      ClusterMetadata metadata,
      ExactlyOncePool exactlyOnce,
      ProxyMetrics metrics) {
    this.shared = requireNonNull(shared, "shared");
    this.checks = new RequestChecks(authenticator, metadata);
    this.exactlyOnce = requireNonNull(exactlyOnce, "exactlyOnce");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /**
   * Checks the request, then streams it on {@code exchange}. Runs on the container's thread, in the
   * dispatch that called the resource method, and returns at once: the reader is registered here, with
   * its gate shut; checks that may ask Kafka (a topic not in the metadata cache, a principal's first
   * request) run on the pool, never on the container's thread, while checks the caches answer run here.
   * A failed check is answered as a whole by the JAX-RS error mapper: missing or rejected credentials
   * (401), a bad charset (400), an unknown cluster or topic (404), Kafka unreachable (503, 50003: at
   * once while the background check finds the cluster silent). With {@code producerId}, the stream is
   * exactly-once: its session opens on its own thread, after the other checks, and the request fails
   * as a whole if Kafka refuses it, if {@code exactly.once.producers.max} sessions are open (429), or if
   * the body would leave a gap after the id's committed sequence (409).
   *
   * @param authorization the request's {@code Authorization} header, or null
   * @param producerId the request's {@value #PRODUCER_ID} header, or null
   * @param sequence the request's {@value #SEQUENCE} header, or null
   * @param trace the request's trace context, or null
   */
  public void open(
      String clusterId,
      String topic,
      @Nullable MediaType contentType,
      @Nullable String authorization,
      @Nullable String producerId,
      @Nullable String sequence,
      @Nullable TraceContext trace,
      Exchange exchange) {
    long startNanos = System.nanoTime();
    AccessLog accessLog = new AccessLog(exchange.request());
    ProduceStream stream;
    ExactlyOnceRequest exactly;
    try {
      if (stopping) {
        throw TributaryException.of(ErrorCode.STOPPING);
      }
      exactly = exactlyOnce(producerId, sequence);
      StreamLedger ledger = new StreamLedger(metrics, topic, accessLog, startNanos);
      stream =
          new ProduceStream(shared, exchange, clusterId, topic, isLatin1(contentType), exactly != null, trace, ledger);
    } catch (IOException | RuntimeException e) {
      accessLog.refused(Errors.toFailure(e).httpStatus(), System.nanoTime() - startNanos);
      exchange.answer(e); // the error mapper reports (and logs) the failure
      return;
    }
    open.add(stream);
    // Done once it has closed and its exchange has ended: Jersey must still be up to end it.
    stream.onClose(() -> exchange.ended().whenComplete((ignored, error) -> closed(stream)));
    if (stopping) {
      stream.stop(); // stop() looked at the streams before this one was added
    }
    stream.listen();
    Runnable checking =
        () -> {
          SenderLease lease = null;
          try {
            lease = checks.pass(clusterId, topic, authorization);
            if (exactly == null) {
              stream.admit(lease);
            } else {
              openExactlyOnce(stream, lease, exactly, startNanos);
            }
          } catch (RuntimeException e) {
            if (lease != null) {
              lease.close();
            }
            stream.refuse(e);
          }
        };
    if (exactly == null && checks.answerAtOnce(topic)) {
      checking.run(); // everything is cached: no hand-off, which a single-record request would feel
    } else {
      shared.pool().execute(checking);
    }
  }

  /**
   * Stops every stream, for the application's end: no new one is opened (503, {@code STOPPING}), each
   * open one stops reading, and this waits, at most {@code grace}, until each has reported every record
   * it read and ended. Called by the container's thread that takes the application down (or the JVM's
   * shutdown); a second call waits for the first, and then no longer.
   *
   * @return whether every stream ended within {@code grace}
   */
  public synchronized boolean stop(Duration grace) throws InterruptedException {
    boolean first = !stopping;
    stopping = true;
    open.forEach(ProduceStream::stop);
    if (!first) {
      return open.stream().allMatch(ProduceStream::isClosed); // the first call waited: no second wait
    }
    long deadline = System.nanoTime() + grace.toNanos();
    long allClosedSince = 0;
    synchronized (open) {
      while (!open.isEmpty()) {
        long now = System.nanoTime();
        if (open.stream().allMatch(ProduceStream::isClosed)) {
          // Each has said its last word; its exchange's end takes milliseconds, and a container that
          // does not report it (Tomcat and Open Liberty, for some exchanges) is not waited for longer.
          if (allClosedSince == 0) {
            allClosedSince = now;
          } else if (now - allClosedSince > END_WAIT_NANOS) {
            return true;
          }
        } else {
          allClosedSince = 0;
        }
        long left = deadline - now;
        if (left <= 0) {
          return false;
        }
        open.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
      }
    }
    return true;
  }

  private void closed(ProduceStream stream) {
    open.remove(stream);
    synchronized (open) {
      open.notifyAll();
    }
  }

  /**
   * Opens the stream's session; once it holds the producer id, the stream is admitted on the pool (not
   * on the session's thread, which then goes on to send the records), or refused.
   */
  private void openExactlyOnce(ProduceStream stream, SenderLease lease, ExactlyOnceRequest exactly, long arrivalNanos) {
    StreamSettings settings = shared.settings();
    ExactlyOnceSession session =
        exactlyOnce.open(
            lease,
            exactly.producerId(),
            arrivalNanos,
            (int) Math.min(Integer.MAX_VALUE, settings.windowRecords()), // half the stream's window
            settings.windowBytes(),
            stream::exactlyOnceEnded);
    whenOpened(session, lease, exactly, shared.pool(), committed -> stream.admit(lease, session, exactly.first(), committed), stream::refuse);
  }

  /**
   * Once {@code session} holds its id, on {@code pool}: {@code opened} with the id's committed sequence;
   * or, if Kafka refused it or the body would leave a gap, the session and the lease are closed and
   * {@code refused} is told why.
   */
  static void whenOpened(
      ExactlyOnceSession session,
      SenderLease lease,
      ExactlyOnceRequest exactly,
      java.util.concurrent.Executor pool,
      java.util.function.LongConsumer opened,
      java.util.function.Consumer<Throwable> refused) {
    session
        .opened()
        .whenCompleteAsync(
            (committed, error) -> {
              Throwable refusal = error != null ? error : exactly.gapAfter(committed);
              if (refusal != null) {
                session.close();
                lease.close();
                refused.accept(refusal);
              } else {
                opened.accept(committed);
              }
            },
            pool);
  }

  /** The exactly-once headers, checked; null when the request does not opt in. */
  @Nullable
  static ExactlyOnceRequest exactlyOnce(@Nullable String producerId, @Nullable String sequence) {
    if (producerId == null) {
      if (sequence != null) {
        throw TributaryException.of(ErrorCode.SEQUENCE_WITHOUT_PRODUCER_ID);
      }
      return null;
    }
    if (!PRODUCER_IDS.matcher(producerId).matches()) {
      throw TributaryException.of(ErrorCode.PRODUCER_ID_INVALID, shortened(producerId));
    }
    long first = 0;
    if (sequence != null) {
      String trimmed = sequence.trim();
      try {
        first = SEQUENCES.matcher(trimmed).matches() ? Long.parseLong(trimmed) : -1;
      } catch (NumberFormatException tooLarge) {
        first = -1;
      }
      if (first < 0) {
        throw TributaryException.of(ErrorCode.SEQUENCE_INVALID, shortened(sequence));
      }
    }
    return new ExactlyOnceRequest(producerId, first);
  }

  /** A header's value as an error message shows it: at most 160 characters. */
  private static String shortened(String value) {
    return value.length() <= 160 ? value : value.substring(0, 160) + "…";
  }

  /** Whether the body is ISO-8859-1; UTF-8 (the default) is the other charset accepted. */
  static boolean isLatin1(@Nullable MediaType contentType) {
    String charset =
        contentType == null ? null : contentType.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset == null || charset.equalsIgnoreCase("UTF-8")) {
      return false;
    }
    if (charset.toUpperCase(Locale.ROOT).equals("ISO-8859-1")) {
      return true;
    }
    throw TributaryException.of(ErrorCode.UNSUPPORTED_CHARSET);
  }
}

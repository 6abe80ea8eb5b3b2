package dev.tributary.produce.body;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import dev.tributary.config.StreamSettings;
import dev.tributary.errors.TributaryException;
import dev.tributary.produce.flow.DrainLoop;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads one request body with servlet non-blocking I/O and hands out its records as they complete.
 *
 * <p>The container's side, the rules of the Servlet specification it is read by, is {@link ServletBody}'s.
 * Calls may come from any thread (the container's callbacks, a report writer resuming the reading); a
 * {@link DrainLoop} lets one thread read at a time, and a call that arrives meanwhile makes that thread go
 * round once more.
 *
 * <p>Reading waits while the stream's {@link BodySink.Gate} is shut (its checks are not done, or its window of
 * unreported records is full) and goes on at {@link #resume}. The reading ends exactly once, with one of
 * {@link BodySink#ended}, {@link BodySink#unreadable} or {@link BodySink#stopped}, made by the reading thread after
 * its last {@link BodySink#record}: whatever the stream does next (queueing its last report) is ordered after
 * every record.
 *
 * <p>A stream that takes no more records before the body ends (a whole-request error, a body that cannot
 * be read further) has the rest read and thrown away ({@link #discardRest}), up to {@link #DISCARD_MAX}
 * bytes and while it keeps arriving, before its response ends. A container that finds a request body
 * unread when the response ends closes the connection with bytes still arriving, and the client's TCP
 * stack, on the reset that follows, may throw away the response before the client reads it: a client
 * that sends its whole body before reading (most HTTP libraries) would lose its reports, or its error.
 * A client that reads while it sends and keeps its body open is not kept waiting: once nothing has
 * arrived for {@link #DISCARD_QUIET_MS}, the response ends. A record over the size limit is the
 * exception: it is cut off, and nothing after it is read. One per request.
 *
 * <p>Public because the stream, one package up, builds it, registers it as the request's read listener,
 * and resumes, discards and stops it.
 */
public final class BodyReader implements ReadListener {

  /** The most of a body read and thrown away after the stream took its last record (64 MiB). */
  static final long DISCARD_MAX = 64L << 20;

  /** How long the discarding waits for more of a body before it gives up (ms). */
  static final long DISCARD_QUIET_MS = 1000;

  private final ServletBody in;
  private final BodyDecoder decoder;
  private final BodySink.Gate gate;
  private final BodySink sink;
  /** The first read's buffer: room for a few records, all that most single-record requests need. */
  private static final int FIRST_BUFFER = 2 * 1024;
  /** The buffer once a read filled the first one: a stream. */
  private static final int STREAM_BUFFER = 32 * 1024;

  private byte[] buffer = new byte[FIRST_BUFFER]; // the reading's own (one thread at a time)
  private final DrainLoop reading = new DrainLoop(this::readRound);
  private volatile boolean paused;
  private volatile boolean stopRequested;
  private volatile Throwable failure;
  /** What to run once the rest of the body has been discarded; set once, by {@link #discardRest}. */
  private volatile Runnable afterDiscard;
  // Only touched by the thread in the loop.
  private boolean started;
  private boolean done;
  private boolean leaveRest; // nothing left to discard: the end was read, or the rest cannot or must not be
  private volatile long discarded;
  private volatile boolean quiet;
  private boolean discardOver;
  private ScheduledFuture<?> quietCheck;

  /**
   * A reader of {@code in}, a body in UTF-8 (or, if {@code latin1}, ISO-8859-1) framed with {@code json}.
   * It reads nothing until it is set as {@code in}'s read listener and {@code gate} opens.
   *
   * @param settings the stream's: its largest record, and how long one may take to arrive
   */
  public BodyReader(
      ServletInputStream in, JsonFactory json, boolean latin1, StreamSettings settings, BodySink.Gate gate, BodySink sink)
      throws IOException {
    this.in = new ServletBody(requireNonNull(in, "in"));
    this.decoder = new BodyDecoder(requireNonNull(json, "json"), latin1, requireNonNull(settings, "settings"));
    this.gate = requireNonNull(gate, "gate");
    this.sink = requireNonNull(sink, "sink");
  }

  /**
   * Reading may go on: call whenever the gate may have opened. Cheap while it is still shut, so a stream
   * whose window is full does not re-enter the reading for every report.
   */
  public void resume() {
    if (paused && gate.open()) {
      paused = false;
      reading.run();
    }
  }

  /**
   * Takes no more records (the {@link BodySink} hears nothing more unless it already has its end): reads the
   * rest of the body and throws it away, then runs {@code then} once, on the reading thread. Stops early,
   * leaving the rest to the container, after {@link #DISCARD_MAX} bytes, or at {@link #stop}, or when the
   * body cannot be read; reads nothing if the reading ended at a record over the limit, which is cut off.
   */
  public void discardRest(ScheduledExecutorService scheduler, Runnable then) {
    afterDiscard = then;
    long[] seen = {0};
    quietCheck =
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (discarded == seen[0]) {
                quiet = true; // nothing arrived for a whole period: the client is not sending the rest
                reading.run();
              }
              seen[0] = discarded;
            },
            DISCARD_QUIET_MS,
            DISCARD_QUIET_MS,
            TimeUnit.MILLISECONDS);
    reading.run();
  }

  /** Reads nothing more, whatever arrives; {@link BodySink#stopped} follows unless the reading already ended. */
  public void stop() {
    stopRequested = true;
    reading.run();
  }

  @Override
  public void onDataAvailable() {
    reading.run();
  }

  @Override
  public void onAllDataRead() {
    in.allArrived();
    reading.run();
  }

  /**
   * The container could not read the body. That is not always a lost connection: a chunk size that is
   * not hex, a chunk that does not end where it says, a body cut short are the client's mistakes on a
   * connection that still works. So the body ends here with one last 400, after the reports of the
   * records before it; if the connection is gone, writing them fails and the exchange ends then. An idle
   * timeout ends the body without a report.
   */
  @Override
  public void onError(Throwable error) {
    failure = error;
    reading.run();
  }

  /** One round of {@link #reading}: records while the gate is open, then the discarding if it is asked. */
  private void readRound() {
    while (true) {
      try {
        readRecords();
        if (done && afterDiscard != null && !discardOver) {
          discard();
        }
        return;
      } catch (IOException | RuntimeException e) {
        failure = e; // the next turn ends the body, once, as for onError
      }
    }
  }

  private void readRecords() throws IOException {
    while (!done) {
      if (afterDiscard != null) {
        done = true; // the stream took its last record without the reading's help: it needs no end
        return;
      }
      if (stopRequested) {
        done = true;
        leaveRest = true;
        sink.stopped();
        return;
      }
      if (failure != null) {
        done = true;
        leaveRest = true;
        if (ServletBody.isTimeout(failure)) {
          sink.ended();
        } else {
          sink.failed();
        }
        return;
      }
      if (!gate.open()) {
        paused = true;
        if (!gate.open()) {
          return; // resume() reads on once the gate opens
        }
        paused = false;
      }
      int read = in.read(buffer);
      if (read == ServletBody.WAIT) {
        return; // the container calls onDataAvailable or onAllDataRead next
      }
      if (read < 0) {
        end();
        return;
      }
      if (read > 0) {
        decoder.decode(buffer, read);
        if (read == buffer.length && read < STREAM_BUFFER) {
          buffer = new byte[STREAM_BUFFER]; // decoded: the old one is no longer referred to
        }
        handOut();
      }
    }
  }

  /** Reads what has arrived of the rest of the body and throws it away; see {@link #discardRest}. */
  private void discard() throws IOException {
    while (!leaveRest && !stopRequested && !quiet && failure == null && discarded <= DISCARD_MAX) {
      int read = in.read(buffer);
      if (read == ServletBody.WAIT) {
        return; // the container calls onDataAvailable or onAllDataRead next
      }
      if (read < 0) {
        leaveRest = true;
      } else {
        discarded += read;
      }
    }
    discardOver = true;
    quietCheck.cancel(false);
    afterDiscard.run();
  }

  /**
   * Hands the {@link BodySink} the records the decoder has, in order, then the reason the rest cannot be
   * read, if it cannot: the one hand-off of a record from the body to its stream.
   */
  private void handOut() {
    FramedRecord record;
    while (!done && (record = decoder.next()) != null) {
      if (!started) {
        started = true;
        if (!sink.started()) {
          done = true;
          sink.stopped();
          return;
        }
      }
      sink.record(record);
    }
    TributaryException error = decoder.unreadable();
    if (!done && error != null) {
      done = true;
      leaveRest = decoder.cutOff();
      sink.unreadable(error, leaveRest);
    }
  }

  private void end() throws IOException {
    leaveRest = true;
    decoder.end();
    handOut();
    if (!done) {
      done = true;
      sink.ended();
    }
  }
}

package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.TributaryException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads one request body with servlet non-blocking I/O and hands out its records as they complete.
 *
 * <p>Rules of the Servlet 6.0 specification this follows, and nothing beyond them:
 *
 * <ul>
 *   <li>{@code read} is called only right after {@code isReady()} returned true. When {@code isReady()}
 *       returns false, the container calls {@link #onDataAvailable} or {@link #onAllDataRead} later, so
 *       no thread waits for bytes.
 *   <li>The end of the body is {@link #onAllDataRead}, or a {@code read()} of -1 after {@code isReady()}
 *       returned true, never {@code isFinished()} alone: Tomcat and Undertow answer {@code isReady() ==
 *       false} once the body is finished (a non-blocking reader never sees -1 there) and then call {@link
 *       #onAllDataRead}; Jetty and Open Liberty answer {@code isReady() == true} and then -1. Payara's
 *       {@code isFinished()} may turn true while the body's last bytes are still on their way into its
 *       buffer, so it only prompts the question below.
 *   <li>When {@code isReady()} returns false but {@code isFinished()} true, {@code isReady()} is asked
 *       once more, right then: Open Liberty learns of an end it had already received only while asked
 *       {@code isReady()}, then answers true (and the read returns -1), and would never call {@link
 *       #onAllDataRead} for a reading that runs on a thread of ours. The others answer false again, and
 *       call {@link #onAllDataRead}.
 *   <li>Once {@link #onAllDataRead} has been called, the whole body has arrived: what is left is read as
 *       far as {@code available()} says (which cannot block), without asking {@code isReady()} again.
 *       Payara and Open Liberty may call it with the last bytes still unread (after a paused {@code
 *       onDataAvailable}), and Payara fails an {@code isReady()} asked inside it once nothing is left.
 *   <li>{@code isReady()} may itself call {@link #onAllDataRead} on the calling thread (Undertow does),
 *       and reading may be resumed from any thread (a report writer, once the window has room). A
 *       {@link DrainLoop} lets one thread run the loop at a time; a call that arrives meanwhile
 *       makes that thread go round once more.
 *   <li>Open Liberty (25.0.0.11) breaks one rule, and is worked around: an {@code isReady()} that finds
 *       nothing buffered starts an asynchronous read and only then notes it as outstanding; asked on a
 *       thread outside its callbacks, the read can complete on a container thread in between, and the note
 *       then outlives it: {@code isReady()} answers false ever after and no callback comes (a stream hung
 *       about once in a hundred requests). Its callbacks run holding a lock its input stream hands out
 *       ({@code getCompleteLockObj()}); {@code isReady()} is asked holding that lock, as Liberty's own
 *       callback threads do, so the completion waits until the note is made. Every other container's
 *       stream has no such method, and its {@code isReady()} is asked as it is.
 * </ul>
 *
 * <p>Reading waits while the stream's {@link Gate} is shut (its checks are not done, or its window of
 * unreported records is full) and goes on at {@link #resume}. The reading ends exactly once, with one of
 * {@link Sink#ended}, {@link Sink#unreadable} or {@link Sink#stopped}, made by the reading thread after
 * its last {@link Sink#record}: whatever the stream does next (queueing its last report) is ordered after
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
 */
final class BodyReader implements ReadListener {

  /** The most of a body read and thrown away after the stream took its last record (64 MiB). */
  static final long DISCARD_MAX = 64L << 20;

  /** How long the discarding waits for more of a body before it gives up (ms). */
  static final long DISCARD_QUIET_MS = 1000;


  /** Whether the stream may take more records now. */
  interface Gate {
    boolean open();
  }

  /**
   * What the body holds, in order. Apart from {@link #failed}, the calls come from the reading thread,
   * one at a time; exactly one of the last three ends them.
   */
  interface Sink {
    /**
     * The first record is complete and about to be handed out: the request is a stream from here.
     *
     * @return false if the stream cannot take the exchange over (its client is gone): reading stops
     */
    boolean started();

    /** One complete top-level value, which took {@code bytes} bytes of the body. */
    void record(TokenBuffer tokens, long bytes);

    /**
     * The body ended after its last record (or with none: it held nothing but whitespace), or the
     * container gave up waiting for more (an idle timeout).
     */
    void ended();

    /**
     * The rest of the body cannot be read: it is not JSON, a record is longer than the limit, or it
     * takes too long to arrive (see {@link #arrivalNanos}); {@code error} says which, in the
     * user's words. Nothing more is read; if {@code cutOff}, not even to discard it.
     */
    void unreadable(TributaryException error, boolean cutOff);

    /**
     * The container could not read the body: broken chunked framing on a connection that still works, or
     * a connection that is gone. Nothing more is read.
     */
    void failed();

    /** Reading stopped before the end: {@link #stop} was called. */
    void stopped();
  }

  /** {@link #readSome}'s answer when nothing has arrived yet. */
  private static final int WAIT = -2;

  private final ServletInputStream in;
  /** The lock the container holds while it completes a read and calls this listener; null if unknown. */
  private final Object readyLock;
  private final JsonFactory json;
  private final RecordFramer framer;
  private final boolean latin1;
  private final long maxRecordBytes;
  /**
   * How long a record may take to arrive, from the first read that brings any of it (or bytes after the
   * last record, whitespace included) to the read that completes it (ns). A client trickling a record,
   * or whitespace, a byte at a time holds a connection without ever going idle; this bounds it. Pauses
   * between records are not counted: a read that completes a record stops the clock, so a full-duplex
   * stream may wait as long as the container's idle timeout allows between records.
   */
  private final long arrivalNanos;
  private final Gate gate;
  private final Sink sink;
  private final byte[] buffer = new byte[32 * 1024];
  private final Unicode.Utf8Check utf8 = new Unicode.Utf8Check();
  private final DrainLoop reading = new DrainLoop(this::readRound);
  private volatile boolean paused;
  private volatile boolean stopRequested;
  private volatile boolean allArrived;
  private volatile Throwable failure;
  /** What to run once the rest of the body has been discarded; set once, by {@link #discardRest}. */
  private volatile Runnable afterDiscard;
  // Only touched by the thread in the loop.
  private boolean started;
  private boolean done;
  /**
   * When the record now arriving began to, or the whitespace after the last record ({@link
   * System#nanoTime}); 0 between records.
   */
  private long arrivingSince;
  private boolean arrivingRecord; // the clock is a record's, not whitespace's
  private boolean completed; // a record was completed by the bytes being fed
  /**
   * Nothing of the body is left to discard: its end was read, it cannot be read, or it is cut off (a
   * record over the limit is never read on).
   */
  private boolean leaveRest;
  private volatile long discarded;
  private volatile boolean quiet;
  private boolean discardOver;
  private ScheduledFuture<?> quietCheck;

  BodyReader(
      ServletInputStream in,
      JsonFactory json,
      boolean latin1,
      long maxRecordBytes,
      long arrivalMillis,
      Gate gate,
      Sink sink)
      throws IOException {
    this.in = in;
    this.readyLock = callbackLock(in);
    this.json = json;
    this.framer = new RecordFramer(json);
    this.latin1 = latin1;
    this.maxRecordBytes = maxRecordBytes;
    this.arrivalNanos = arrivalMillis * 1_000_000;
    this.gate = gate;
    this.sink = sink;
  }

  /**
   * Reading may go on: call whenever the gate may have opened. Cheap while it is still shut, so a stream
   * whose window is full does not re-enter the reading for every report.
   */
  void resume() {
    if (paused && gate.open()) {
      paused = false;
      read();
    }
  }

  /**
   * Takes no more records (the {@link Sink} hears nothing more unless it already has its end): reads the
   * rest of the body and throws it away, then runs {@code then} once, on the reading thread. Stops early,
   * leaving the rest to the container, after {@link #DISCARD_MAX} bytes, or at {@link #stop}, or when the
   * body cannot be read; reads nothing if the reading ended at a record over the limit, which is cut off.
   */
  void discardRest(ScheduledExecutorService scheduler, Runnable then) {
    afterDiscard = then;
    long[] seen = {0};
    quietCheck =
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (discarded == seen[0]) {
                quiet = true; // nothing arrived for a whole period: the client is not sending the rest
                read();
              }
              seen[0] = discarded;
            },
            DISCARD_QUIET_MS,
            DISCARD_QUIET_MS,
            TimeUnit.MILLISECONDS);
    read();
  }

  /** Reads nothing more, whatever arrives; {@link Sink#stopped} follows unless the reading already ended. */
  void stop() {
    stopRequested = true;
    read();
  }

  @Override
  public void onDataAvailable() {
    read();
  }

  @Override
  public void onAllDataRead() {
    allArrived = true;
    read();
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
    read();
  }

  private void read() {
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
        if (isTimeout(failure)) {
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
      int read = readSome();
      if (read == WAIT) {
        return; // the container calls onDataAvailable or onAllDataRead next
      }
      if (read < 0) {
        end();
        return;
      }
      if (read > 0) {
        bytes(read);
      }
    }
  }

  /** Reads what has arrived of the rest of the body and throws it away; see {@link #discardRest}. */
  private void discard() throws IOException {
    while (!leaveRest && !stopRequested && !quiet && failure == null && discarded <= DISCARD_MAX) {
      int read = readSome();
      if (read == WAIT) {
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
   * Reads into {@link #buffer} what the container has now, by the rules in the class comment.
   *
   * @return the bytes read, -1 at the body's end, or {@link #WAIT} when the container has nothing yet
   */
  private int readSome() throws IOException {
    if (allArrived) {
      int available = in.available(); // cannot block: the whole body has arrived
      return available > 0 ? in.read(buffer, 0, Math.min(available, buffer.length)) : -1;
    }
    if (!isReady() && !(in.isFinished() && isReady())) {
      return WAIT;
    }
    return in.read(buffer); // -1 when ready at the end: some containers say so this way
  }

  /** {@code in.isReady()}, asked holding the container's callback lock where it has one (see the class comment). */
  private boolean isReady() {
    if (readyLock == null) {
      return in.isReady();
    }
    synchronized (readyLock) {
      return in.isReady();
    }
  }

  /**
   * The lock Open Liberty's input stream holds while it completes an asynchronous read and calls the
   * listener ({@code getCompleteLockObj()}, public on its {@code SRTInputStream31}); null for every other
   * container, and if it is ever removed.
   */
  static Object callbackLock(ServletInputStream in) {
    try {
      return in.getClass().getMethod("getCompleteLockObj").invoke(in);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private void bytes(int length) throws IOException {
    if (latin1) {
      byte[] utf8 = latin1ToUtf8(buffer, length);
      feed(utf8, utf8.length);
    } else {
      int invalid = utf8.check(buffer, 0, length);
      feed(buffer, invalid < 0 ? length : invalid); // the records before an invalid byte still count
      if (invalid >= 0 && !done) {
        unreadable(TributaryException.of(ErrorCode.BODY_NOT_UTF8, utf8.bodyOffset(invalid, 0)), false);
        return;
      }
    }
    if (!done && framer.openRecordBytes() > maxRecordBytes) {
      tooLarge();
    }
    if (!done) {
      timeArrival();
    }
  }

  /**
   * Runs the clock of {@link #arrivalNanos} over the bytes just fed: a read that completes a record stops
   * it; a read that brings only part of a record, or only whitespace, starts it (a record's first bytes
   * start it afresh after whitespace, so a line end and a pause before a record do not count).
   */
  private void timeArrival() {
    long now = System.nanoTime();
    boolean inRecord = framer.openRecordBytes() > 0;
    if (completed) {
      completed = false;
      arrivingSince = inRecord ? now : 0; // the next record began in the same read
      arrivingRecord = inRecord;
    } else if (arrivingSince == 0 || inRecord && !arrivingRecord) {
      arrivingSince = now;
      arrivingRecord = inRecord;
    } else if (now - arrivingSince > arrivalNanos) {
      unreadable(TributaryException.of(ErrorCode.RECORD_TOO_SLOW, arrivalNanos / 1_000_000), true);
    }
  }

  private void feed(byte[] bytes, int length) throws IOException {
    try {
      framer.feed(bytes, 0, length, this::record);
    } catch (JsonProcessingException e) {
      malformed(Errors.syntax(e, json.streamReadConstraints()));
    }
  }

  private void record(TokenBuffer tokens, long bytes) {
    if (done) {
      return;
    }
    if (bytes > maxRecordBytes) {
      tooLarge();
      return;
    }
    completed = true;
    if (!started) {
      started = true;
      if (!sink.started()) {
        done = true;
        sink.stopped();
        return;
      }
    }
    sink.record(tokens, bytes);
  }

  private void end() throws IOException {
    leaveRest = true;
    if (!latin1 && !utf8.complete()) {
      unreadable(TributaryException.of(ErrorCode.BODY_ENDS_INSIDE_CHARACTER), false);
      return;
    }
    try {
      framer.end(this::record);
    } catch (JsonProcessingException e) {
      malformed(Errors.syntax(e, json.streamReadConstraints()));
      return;
    }
    if (!done) {
      done = true;
      sink.ended();
    }
  }

  private void malformed(String detail) {
    unreadable(TributaryException.of(ErrorCode.MALFORMED_STREAM, detail), false);
  }

  /** A record over the limit is cut off: what follows is not read, not even to discard it. */
  private void tooLarge() {
    unreadable(TributaryException.of(ErrorCode.RECORD_TOO_LARGE, maxRecordBytes), true);
  }

  private void unreadable(TributaryException error, boolean cutOff) {
    if (!done) {
      done = true;
      leaveRest = cutOff;
      sink.unreadable(error, cutOff);
    }
  }

  private static boolean isTimeout(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** ISO-8859-1 bytes re-encoded as the UTF-8 the JSON parser reads. */
  static byte[] latin1ToUtf8(byte[] bytes, int length) {
    int extra = 0;
    for (int i = 0; i < length; i++) {
      extra += bytes[i] < 0 ? 1 : 0;
    }
    byte[] utf8 = new byte[length + extra];
    int j = 0;
    for (int i = 0; i < length; i++) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        utf8[j++] = (byte) b;
      } else {
        utf8[j++] = (byte) (0xC0 | (b >> 6));
        utf8[j++] = (byte) (0x80 | (b & 0x3F));
      }
    }
    return utf8;
  }
}

package dev.tributary.produce.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tributary.config.StreamSettings;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.JsonDiagnosis;
import dev.tributary.errors.TributaryException;
import jakarta.annotation.Nullable;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Turns a body's bytes, as they arrive, into records: its charset (ISO-8859-1 re-encoded as UTF-8, UTF-8
 * checked byte by byte), its framing into top-level JSON values ({@link RecordFramer}), the largest record
 * the stream takes, and how long one record may take to arrive. What cannot be read further ends the
 * decoding with one error in the user's words ({@link #unreadable}), after the records before it.
 *
 * <p>The records are taken, not pushed: after each {@link #decode} or {@link #end}, {@link #next} hands
 * out the records the bytes completed, in order, and once it has none, {@link #unreadable} says whether
 * the rest of the body cannot be read. Not thread-safe: the reading thread's.
 */
final class BodyDecoder {

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
  private final Utf8Check utf8 = new Utf8Check();
  private final ArrayDeque<FramedRecord> ready = new ArrayDeque<>();
  private boolean done;
  @Nullable private TributaryException error;
  private boolean cutOff;
  /** When the record now arriving began to, or the whitespace after the last one ({@link System#nanoTime}); 0 between. */
  private long arrivingSince;
  private boolean arrivingRecord; // the clock is a record's, not whitespace's
  private boolean completed; // a record was completed by the bytes being fed

  BodyDecoder(JsonFactory json, boolean latin1, StreamSettings settings) throws IOException {
    this.json = json;
    this.framer = new RecordFramer(json);
    this.latin1 = latin1;
    this.maxRecordBytes = settings.maxRecordBytes();
    this.arrivalNanos = settings.recordArrivalMillis() * 1_000_000;
  }

  /** The next record the bytes decoded so far complete, in body order, or null if there is none (yet). */
  @Nullable
  FramedRecord next() {
    return ready.poll();
  }

  /**
   * Why the rest of the body cannot be read, once {@link #next} has handed out every record before it;
   * null while it can be.
   */
  @Nullable
  TributaryException unreadable() {
    return ready.isEmpty() ? error : null;
  }

  /**
   * Whether the rest of the body, being {@link #unreadable}, must not even be read to be thrown away: a
   * record over the limit, or one arriving too slowly, is not read on.
   */
  boolean cutOff() {
    return cutOff;
  }

  /** Decodes {@code length} more bytes of the body from {@code buffer}, which may be reused after. */
  void decode(byte[] buffer, int length) throws IOException {
    if (latin1) {
      byte[] utf8 = latin1ToUtf8(buffer, length);
      feed(utf8, utf8.length);
    } else {
      int invalid = utf8.check(buffer, 0, length);
      feed(buffer, invalid < 0 ? length : invalid); // the records before an invalid byte still count
      if (invalid >= 0) {
        fail(TributaryException.of(ErrorCode.BODY_NOT_UTF8, utf8.bodyOffset(invalid, 0)), false);
      }
    }
    if (!done && framer.openRecordBytes() > maxRecordBytes) {
      tooLarge();
    }
    if (!done) {
      timeArrival();
    }
  }

  /** The body ended: its last record, if it ends there, or why it cannot end there. */
  void end() throws IOException {
    if (!latin1 && !utf8.complete()) {
      fail(TributaryException.of(ErrorCode.BODY_ENDS_INSIDE_CHARACTER), false);
      return;
    }
    try {
      framer.end();
    } catch (JsonProcessingException e) {
      takeFramed();
      malformed(e);
      return;
    }
    takeFramed();
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
      fail(TributaryException.of(ErrorCode.RECORD_TOO_SLOW, arrivalNanos / 1_000_000), true);
    }
  }

  private void feed(byte[] bytes, int length) throws IOException {
    try {
      framer.feed(bytes, 0, length);
    } catch (JsonProcessingException e) {
      takeFramed(); // the records before the syntax error still count
      malformed(e);
      return;
    }
    takeFramed();
  }

  /** Takes the records the framer completed, up to the first one over the limit. */
  private void takeFramed() {
    FramedRecord record;
    while (!done && (record = framer.next()) != null) {
      if (record.bytes() > maxRecordBytes) {
        tooLarge();
        return;
      }
      completed = true;
      ready.add(record);
    }
  }

  private void malformed(JsonProcessingException e) {
    fail(TributaryException.of(ErrorCode.MALFORMED_STREAM, JsonDiagnosis.syntax(e, json.streamReadConstraints())), false);
  }

  /** A record over the limit is cut off: what follows is not read, not even to discard it. */
  private void tooLarge() {
    fail(TributaryException.of(ErrorCode.RECORD_TOO_LARGE, maxRecordBytes), true);
  }

  private void fail(TributaryException error, boolean cutOff) {
    if (!done) {
      done = true;
      this.error = error;
      this.cutOff = cutOff;
    }
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

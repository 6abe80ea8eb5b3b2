package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.config.StreamSettings;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.JsonDiagnosis;
import dev.tributary.errors.TributaryException;
import java.io.IOException;

/**
 * Turns a body's bytes, as they arrive, into records: its charset (ISO-8859-1 re-encoded as UTF-8, UTF-8
 * checked byte by byte), its framing into top-level JSON values ({@link RecordFramer}), the largest record
 * the stream takes, and how long one record may take to arrive. What cannot be read further ends the
 * decoding with one {@link Output#unreadable} in the user's words. Not thread-safe: the reading thread's.
 */
final class RecordDecoder {

  /** Where the records go, in order. */
  interface Output {
    /**
     * One complete top-level value, which took {@code bytes} bytes of the body.
     *
     * @return false if no more records are wanted: the decoding ends
     */
    boolean record(TokenBuffer tokens, long bytes);

    /**
     * The rest of the body cannot be read; {@code error} says why. If {@code cutOff}, not even to discard it:
     * a record over the limit, or one arriving too slowly, is not read on.
     */
    void unreadable(TributaryException error, boolean cutOff);
  }

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
  private final Output output;
  private final Unicode.Utf8Check utf8 = new Unicode.Utf8Check();
  private boolean done;
  /** When the record now arriving began to, or the whitespace after the last one ({@link System#nanoTime}); 0 between. */
  private long arrivingSince;
  private boolean arrivingRecord; // the clock is a record's, not whitespace's
  private boolean completed; // a record was completed by the bytes being fed

  RecordDecoder(JsonFactory json, boolean latin1, StreamSettings settings, Output output) throws IOException {
    this.json = json;
    this.framer = new RecordFramer(json);
    this.latin1 = latin1;
    this.maxRecordBytes = settings.maxRecordBytes();
    this.arrivalNanos = settings.recordArrivalMillis() * 1_000_000;
    this.output = output;
  }

  /** Whether the decoding ended: no more records, or the rest cannot be read. */
  boolean done() {
    return done;
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
        unreadable(TributaryException.of(ErrorCode.BODY_NOT_UTF8, utf8.bodyOffset(invalid, 0)), false);
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
      unreadable(TributaryException.of(ErrorCode.BODY_ENDS_INSIDE_CHARACTER), false);
      return;
    }
    try {
      framer.end(this::record);
    } catch (JsonProcessingException e) {
      malformed(e);
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
      malformed(e);
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
    if (!output.record(tokens, bytes)) {
      done = true;
    }
  }

  private void malformed(JsonProcessingException e) {
    unreadable(TributaryException.of(ErrorCode.MALFORMED_STREAM, JsonDiagnosis.syntax(e, json.streamReadConstraints())), false);
  }

  /** A record over the limit is cut off: what follows is not read, not even to discard it. */
  private void tooLarge() {
    unreadable(TributaryException.of(ErrorCode.RECORD_TOO_LARGE, maxRecordBytes), true);
  }

  private void unreadable(TributaryException error, boolean cutOff) {
    if (!done) {
      done = true;
      output.unreadable(error, cutOff);
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

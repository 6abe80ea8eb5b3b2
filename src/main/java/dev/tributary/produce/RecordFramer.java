package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import java.util.Arrays;

/**
 * Splits a body of concatenated JSON into its top-level values, one per record, as bytes arrive, and
 * hands out each value's bytes the moment its closing brace arrives, without waiting for the next one.
 * That is what lets the report for record i reach the client before it sends record i+1, whichever way
 * the bytes are read.
 *
 * <p>Why a scanner and not a parser: finding where a value ends needs only its brackets and strings, and
 * one pass over the bytes that tracks them costs a fraction of tokenizing. Each record is then parsed once,
 * by data binding from its bytes (Jackson's fastest path); a syntax error inside a record surfaces there.
 * Outside records, a value that is not an object or an array (a scalar, or stray text) is handed out as
 * far as the next whitespace or bracket, for the parser to accept or reject. Not thread-safe: one per
 * stream.
 */
final class RecordFramer {

  /** Receives each complete top-level value's bytes, which it then owns. */
  interface Sink {
    void record(byte[] bytes);
  }

  private final JsonFactory factory;
  /** The bytes of a value begun in an earlier feed and not yet complete. */
  private byte[] open = new byte[256];
  private int openLength;
  private boolean inValue;
  private boolean scalar; // a top-level value that is not an object or array
  private int depth;
  private boolean inString;
  private boolean escaped;

  RecordFramer(JsonFactory factory) {
    this.factory = factory;
  }

  /**
   * Scans {@code length} more bytes, passing each top-level value they complete to {@code records}.
   * What is kept is copied, so {@code bytes} may be reused once this returns.
   */
  void feed(byte[] bytes, int offset, int length, Sink records) {
    // The state lives in locals while scanning (the loop is the proxy's hottest) and in fields between feeds.
    boolean value = inValue;
    boolean string = inString;
    boolean escape = escaped;
    boolean bare = scalar;
    int nesting = depth;
    int end = offset + length;
    int start = value ? offset : -1; // where the open value's bytes in this feed begin
    int i = offset;
    while (i < end) {
      if (string) {
        if (escape) {
          escape = false;
          i++;
          continue;
        }
        byte b = 0;
        while (i < end && (b = bytes[i]) != '"' && b != '\\') {
          i++; // most of a record is the inside of its strings: skip it in a tight loop
        }
        if (i == end) {
          break;
        }
        i++;
        if (b == '\\') {
          escape = true;
        } else {
          string = false;
          if (bare) {
            emit(bytes, start, i, records);
            value = false;
            start = -1;
          }
        }
        continue;
      }
      byte b = bytes[i];
      if (!value) {
        i++;
        if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
          continue;
        }
        value = true;
        start = i - 1;
        if (b == '{' || b == '[') {
          nesting = 1;
          bare = false;
        } else if (b == '"') {
          string = true;
          bare = true;
        } else {
          bare = true;
          if (endsScalar(b)) { // a stray bracket, comma or colon: one byte, for the parser to reject
            emit(bytes, start, i, records);
            value = false;
            start = -1;
          }
        }
      } else if (bare) {
        if (endsScalar(b) || b == ' ' || b == '\n' || b == '\r' || b == '\t') {
          emit(bytes, start, i, records); // this byte begins what follows: scanned again
          value = false;
          start = -1;
        } else {
          i++;
        }
      } else {
        i++;
        if (b == '"') {
          string = true;
        } else if (b == '{' || b == '[') {
          nesting++;
        } else if ((b == '}' || b == ']') && --nesting == 0) {
          emit(bytes, start, i, records);
          value = false;
          start = -1;
        }
      }
    }
    if (value && start >= 0) {
      keep(bytes, start, end);
    }
    inValue = value;
    inString = string;
    escaped = escape;
    scalar = bare;
    depth = nesting;
  }

  private static boolean endsScalar(byte b) {
    return b == '{' || b == '}' || b == '[' || b == ']' || b == '"' || b == ',' || b == ':';
  }

  /**
   * The bytes fed so far of a value not yet complete (0 between values): how much the framer holds,
   * so a caller can stop a record that grows past a limit before it is complete.
   */
  long openRecordBytes() {
    return openLength;
  }

  /**
   * Ends the body: a scalar still open is complete; an object, array or string still open is a
   * syntax error.
   *
   * @throws JsonProcessingException Jackson's account of the unfinished value
   */
  void end(Sink records) throws IOException {
    if (!inValue) {
      return;
    }
    if (scalar && !inString) {
      inValue = false;
      emit(new byte[0], 0, 0, records);
      return;
    }
    // The non-blocking parser names what is missing ("expected close marker for Object").
    try (JsonParser parser = factory.createNonBlockingByteArrayParser()) {
      ByteArrayFeeder feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
      feeder.feedInput(open, 0, openLength);
      feeder.endOfInput();
      while (parser.nextToken() != null) {
        // reads to the error
      }
    }
    throw new IllegalStateException("An unfinished JSON value parsed without error");
  }

  private void emit(byte[] bytes, int from, int to, Sink records) {
    byte[] value;
    if (openLength == 0) {
      value = Arrays.copyOfRange(bytes, from, to);
    } else {
      value = Arrays.copyOf(open, openLength + (to - from));
      System.arraycopy(bytes, from, value, openLength, to - from);
      openLength = 0;
      if (open.length > 64 * 1024) {
        open = new byte[256]; // a large record's buffer is not kept for the small ones after it
      }
    }
    records.record(value);
  }

  private void keep(byte[] bytes, int from, int to) {
    int more = to - from;
    if (openLength + more > open.length) {
      open = Arrays.copyOf(open, Math.max(openLength + more, open.length * 2));
    }
    System.arraycopy(bytes, from, open, openLength, more);
    openLength += more;
  }
}

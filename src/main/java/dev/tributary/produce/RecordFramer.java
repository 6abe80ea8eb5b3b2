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
    int end = offset + length;
    int start = inValue ? offset : -1; // where the open value's bytes in this feed begin
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (!inValue) {
        if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
          continue;
        }
        inValue = true;
        start = i;
        if (b == '{' || b == '[') {
          depth = 1;
          scalar = false;
        } else if (b == '"') {
          inString = true;
          scalar = true;
        } else {
          scalar = true;
          if (endsScalar(b)) { // a stray bracket, comma or colon: one byte, for the parser to reject
            emit(bytes, start, i + 1, records);
            start = -1;
          }
        }
        continue;
      }
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
          if (scalar) {
            emit(bytes, start, i + 1, records);
            start = -1;
          }
        }
      } else if (scalar) {
        if (endsScalar(b) || b == ' ' || b == '\n' || b == '\r' || b == '\t') {
          emit(bytes, start, i, records); // this byte begins what follows
          start = -1;
          i--;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        depth++;
      } else if (b == '}' || b == ']') {
        if (--depth == 0) {
          emit(bytes, start, i + 1, records);
          start = -1;
        }
      }
    }
    if (inValue && start >= 0) {
      keep(bytes, start, end);
    }
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
    inValue = false;
    depth = 0;
    inString = false;
    escaped = false;
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

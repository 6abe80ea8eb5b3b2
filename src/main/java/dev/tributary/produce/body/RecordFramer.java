package dev.tributary.produce.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import jakarta.annotation.Nullable;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * Splits a body of concatenated JSON into its top-level values, one per record, as bytes arrive.
 *
 * <p>Why a non-blocking parser: it is fed whatever bytes the connection has, and hands out each record
 * the moment its closing brace arrives, without waiting for the next one. That is what lets the report
 * for record i reach the client before it sends record i+1, whichever way the bytes are read. Each value
 * is kept as tokens, not text, so no record is ever parsed twice. Not thread-safe: one per stream.
 *
 * <p>Concatenated JSON needs nothing between values, but Jackson's parser wants white space after a
 * top-level number or literal ({@code 1}, {@code true}) before the next value: {@code 1{"value":…}}
 * would be a syntax error that ends the stream, and the records after it would get no report. So the
 * framer follows the bytes' nesting itself (strings and their escapes, brackets) and, where a top-level
 * number or literal is followed at once by a string, an object or an array, feeds the parser one space
 * between them. Outside any record, it changes no record's bytes or size.
 *
 * <p>The values are taken, not pushed: {@link #feed} frames what the bytes complete and {@link #next}
 * hands the values out in order, so the caller decides when (and whether) each one moves on.
 */
final class RecordFramer {

  private static final byte[] SPACE = {' '};

  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final ArrayDeque<FramedRecord> complete = new ArrayDeque<>();
  private TokenBuffer current;
  private int depth;
  private long fed;
  private long recordStart;
  // The bytes' own nesting, followed ahead of the parser to find top-level values with nothing between.
  private int scanDepth;
  private boolean inString;
  private boolean escaped;
  private boolean inBareValue; // inside a top-level number or literal

  RecordFramer(JsonFactory factory) throws IOException {
    this.parser = factory.createNonBlockingByteArrayParser();
    this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  /**
   * Parses {@code length} more bytes; the top-level values they complete are then handed out by {@link
   * #next}. The parser copies what it needs, so {@code bytes} may be reused once this returns.
   *
   * @throws com.fasterxml.jackson.core.JsonProcessingException on a syntax error; the body is then
   *     unreadable and no further bytes may be fed
   */
  void feed(byte[] bytes, int offset, int length) throws IOException {
    int end = offset + length;
    int from = offset;
    int glued;
    while ((glued = nextGluedValue(bytes, from, end)) >= 0) {
      parse(bytes, from, glued);
      parse(SPACE, 0, 1); // the separator the parser wants after a top-level number or literal
      from = glued;
    }
    parse(bytes, from, end);
  }

  private void parse(byte[] bytes, int from, int to) throws IOException {
    if (from == to) {
      return;
    }
    feeder.feedInput(bytes, from, to);
    fed += to - from;
    drain();
  }

  /**
   * Scans {@code bytes} from {@code from} to {@code to}, and returns the index of the first byte that
   * starts a value right after a top-level number or literal, or -1 if none does. The scan's state
   * carries over from one call to the next, so a value may span any number of feeds.
   */
  private int nextGluedValue(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
        }
        continue;
      }
      switch (b) {
        case '"', '{', '[' -> {
          if (inBareValue) {
            inBareValue = false;
            return i; // scanned again from here: the state says it is no longer inside the bare value
          }
          if (b == '"') {
            inString = true;
          } else {
            scanDepth++;
          }
        }
        case '}', ']' -> scanDepth--;
        case ' ', '\t', '\r', '\n' -> inBareValue = false;
        default -> inBareValue = scanDepth == 0;
      }
    }
    return -1;
  }

  /**
   * The bytes fed so far of a value not yet complete (0 between values): how much the framer holds,
   * so a caller can stop a record that grows past a limit before it is complete.
   */
  long openRecordBytes() {
    return current == null ? 0 : fed - recordStart;
  }

  /**
   * The next complete top-level value the bytes fed so far hold, in body order, or null if there is none
   * (yet).
   */
  @Nullable
  FramedRecord next() {
    return complete.poll();
  }

  /**
   * Ends the body: its last value, if the bytes end one, is then handed out by {@link #next}.
   *
   * @throws com.fasterxml.jackson.core.JsonProcessingException if the body ends inside a value
   */
  void end() throws IOException {
    feeder.endOfInput();
    drain();
  }

  private void drain() throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      if (current == null) {
        current = new TokenBuffer(parser, null);
        // The non-blocking parser places a token one byte past its first byte.
        recordStart = parser.currentTokenLocation().getByteOffset() - 1;
      }
      if (token == JsonToken.VALUE_NUMBER_INT && parser.getTextLength() == 2 && parser.getText().equals("-0")) {
        current.writeNumber("-0", true); // as an int the buffer would keep 0, and JSON data must keep its sign
      } else {
        current.copyCurrentEvent(parser);
      }
      if (token.isStructStart()) {
        depth++;
      } else if (token.isStructEnd()) {
        depth--;
      }
      if (depth == 0) {
        TokenBuffer record = current;
        current = null;
        // At a value's last token the parser's location is just past the value's last byte.
        long end = parser.currentLocation().getByteOffset();
        complete.add(new FramedRecord(record, end - recordStart));
      }
    }
  }
}

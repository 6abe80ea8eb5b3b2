package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;

/**
 * Splits a body of concatenated JSON into its top-level values, one per record, as bytes arrive.
 *
 * <p>Why a non-blocking parser: it is fed whatever bytes the connection has, and hands out each record
 * the moment its closing brace arrives, without waiting for the next one. That is what lets the report
 * for record i reach the client before it sends record i+1, whichever way the bytes are read. Each value
 * is kept as tokens, not text, so no record is ever parsed twice. Not thread-safe: one per stream.
 */
final class RecordFramer {

  /** Receives each complete top-level value, with the number of bytes it took in the body. */
  interface Sink {
    void record(TokenBuffer tokens, long bytes);
  }

  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private TokenBuffer current;
  private int depth;
  private long fed;
  private long recordStart;

  RecordFramer(JsonFactory factory) throws IOException {
    this.parser = factory.createNonBlockingByteArrayParser();
    this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  /**
   * Parses {@code length} more bytes, passing each top-level value they complete to {@code records}.
   * The parser copies what it needs, so {@code bytes} may be reused once this returns.
   *
   * @throws com.fasterxml.jackson.core.JsonProcessingException on a syntax error; the body is then
   *     unreadable and no further bytes may be fed
   */
  void feed(byte[] bytes, int offset, int length, Sink records) throws IOException {
    feeder.feedInput(bytes, offset, offset + length);
    fed += length;
    drain(records);
  }

  /**
   * The bytes fed so far of a value not yet complete (0 between values): how much the framer holds,
   * so a caller can stop a record that grows past a limit before it is complete.
   */
  long openRecordBytes() {
    return current == null ? 0 : fed - recordStart;
  }

  /**
   * Ends the body.
   *
   * @throws com.fasterxml.jackson.core.JsonProcessingException if the body ends inside a value
   */
  void end(Sink records) throws IOException {
    feeder.endOfInput();
    drain(records);
  }

  private void drain(Sink records) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      if (current == null) {
        current = new TokenBuffer(parser, null);
        recordStart = parser.currentTokenLocation().getByteOffset();
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
        // After a closing bracket the non-blocking parser's location is that bracket's own offset.
        long end = parser.currentLocation().getByteOffset() + (token.isStructEnd() ? 1 : 0);
        records.record(record, end - recordStart);
      }
    }
  }
}

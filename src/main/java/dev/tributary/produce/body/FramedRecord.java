package dev.tributary.produce.body;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * One complete top-level JSON value of a request body: one record, as tokens (never parsed twice), and
 * how many bytes of the body it took. Public because it is what the body's reading hands to the stream
 * ({@link BodySink#record}).
 *
 * @param tokens the value's tokens, in order
 * @param bytes its size in the body, from its first byte to its last (after any re-encoding as UTF-8)
 */
public record FramedRecord(TokenBuffer tokens, long bytes) {

  public FramedRecord {
    requireNonNull(tokens, "tokens");
    if (bytes <= 0) {
      throw new IllegalArgumentException("bytes > 0: " + bytes);
    }
  }
}

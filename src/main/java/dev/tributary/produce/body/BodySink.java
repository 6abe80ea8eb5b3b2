package dev.tributary.produce.body;

import dev.tributary.errors.TributaryException;

/**
 * What a request body holds, in order, as a {@link BodyReader} reads it: the one way a record leaves the
 * body's reading. The calls come from the reading thread, one at a time; exactly one of {@link #ended},
 * {@link #unreadable}, {@link #failed} and {@link #stopped} ends them, after the last {@link #record}.
 * Public because the stream, one package up, is what implements it.
 */
public interface BodySink {

  /** Whether the stream may take more records now; the reading waits while it is shut. */
  interface Gate {
    boolean open();
  }

  /**
   * The first record is complete and about to be handed out: the request is a stream from here.
   *
   * @return false if the stream cannot take the exchange over (its client is gone): reading stops
   */
  boolean started();

  /** The body's next record, complete. */
  void record(FramedRecord record);

  /**
   * The body ended after its last record (or with none: it held nothing but whitespace), or the
   * container gave up waiting for more (an idle timeout).
   */
  void ended();

  /**
   * The rest of the body cannot be read: it is not JSON, a record is longer than the limit, or it
   * takes too long to arrive; {@code error} says which, in the
   * user's words. Nothing more is read; if {@code cutOff}, not even to discard it.
   */
  void unreadable(TributaryException error, boolean cutOff);

  /**
   * The container could not read the body: broken chunked framing on a connection that still works, or
   * a connection that is gone. Nothing more is read.
   */
  void failed();

  /** Reading stopped before the end: {@link BodyReader#stop} was called. */
  void stopped();
}

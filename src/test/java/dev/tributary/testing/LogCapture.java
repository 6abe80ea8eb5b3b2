package dev.tributary.testing;

import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/** A {@code java.util.logging} handler that hands each record it is given (at its level or above) to a test. */
public final class LogCapture extends Handler {

  private final Consumer<LogRecord> sink;

  public LogCapture(Consumer<LogRecord> sink) {
    this.sink = sink;
  }

  @Override
  public void publish(LogRecord record) {
    if (isLoggable(record)) {
      sink.accept(record);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}

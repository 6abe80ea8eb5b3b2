package dev.tributary.errors;

import java.util.Objects;

/**
 * A failure this proxy diagnosed itself, carrying the catalogue entry to report.
 *
 * <p>These are signals, not bugs: they are thrown on the hot path for bad records, so they carry no
 * stack trace.
 */
public final class TributaryException extends RuntimeException {

  private final ErrorCode code;

  private TributaryException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * The error {@code code}, {@code values} in its message's marks.
   *
   * @throws IllegalArgumentException if the message has not as many marks as {@code values}
   */
  public static TributaryException of(ErrorCode code, Object... values) {
    return new TributaryException(code, code.message(values));
  }

  public ErrorCode code() {
    return code;
  }
}

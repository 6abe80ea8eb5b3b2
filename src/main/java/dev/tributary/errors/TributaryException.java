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

  /** The error {@code code} with its fixed message. */
  public static TributaryException of(ErrorCode code) {
    if (code.takesDetail()) {
      throw new IllegalArgumentException(code + " needs a detail");
    }
    return new TributaryException(code, code.message(null));
  }

  /** The error {@code code} with {@code detail} put into its message. */
  public static TributaryException of(ErrorCode code, String detail) {
    return new TributaryException(code, code.message(detail));
  }

  /** A {@link ErrorCode#BAD_REQUEST}: "Bad Request: " and {@code detail}. */
  public static TributaryException badRequest(String detail) {
    return of(ErrorCode.BAD_REQUEST, detail);
  }

  public ErrorCode code() {
    return code;
  }
}

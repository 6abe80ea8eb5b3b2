package dev.tributary.testing;

/** The JSON text of records as clients send them, for tests that produce. */
public final class Records {

  private Records() {}

  /** A record whose value is the string {@code value}, as JSON text without a line break. */
  public static String stringValue(String value) {
    return "{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
  }

  /** As {@link #stringValue}, ended by a line break: one line of a newline-delimited stream. */
  public static String stringValueLine(String value) {
    return stringValue(value) + "\n";
  }
}

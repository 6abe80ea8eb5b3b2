package dev.tributary.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the delivery reports of a chunked produce response read straight off a socket, at any
 * volume: chunk framing is removed first (a report may be split across chunks), then every line is a
 * report. For load tests, where keeping the reports themselves would not fit in memory.
 */
public final class ChunkedReports {

  private static final byte[] OK = "{\"error_code\":200,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** How many reports were read, and how many of them were 200s. */
  public record Count(long reports, long ok) {}

  private ChunkedReports() {}

  /**
   * Reads the response head and then reports until {@code limit} have been read or the body ends.
   *
   * @throws IOException if the connection ends before the body does
   */
  public static Count count(InputStream socket, long limit) throws IOException {
    InputStream in = new BufferedInputStream(socket, 65_536);
    while (!readLine(in).isEmpty()) {
      // the response head
    }
    byte[] buffer = new byte[65_536];
    long reports = 0;
    long ok = 0;
    int column = 0; // position in the current line
    boolean okSoFar = true; // whether the current line so far matches OK
    while (reports < limit) {
      int chunk = Integer.parseInt(readLine(in).trim(), 16);
      if (chunk == 0) {
        break;
      }
      while (chunk > 0) {
        int read = in.read(buffer, 0, Math.min(chunk, buffer.length));
        if (read < 0) {
          throw new IOException("the connection closed after " + reports + " reports");
        }
        chunk -= read;
        for (int i = 0; i < read; i++) {
          byte b = buffer[i];
          if (b == '\n') {
            reports++;
            ok += okSoFar && column >= OK.length ? 1 : 0;
            column = 0;
            okSoFar = true;
          } else {
            okSoFar &= column >= OK.length || b == OK[column];
            column++;
          }
        }
      }
      readLine(in); // the CRLF that closes the chunk
    }
    return new Count(reports, ok);
  }

  /** One CRLF-terminated line of the response's framing, without its line end. */
  public static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}

package dev.tributary.produce;

import dev.tributary.produce.reports.ReportWriter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per produce request, through the container's logging (java.util.logging, logger {@value
 * #LOGGER}, level INFO): who sent it, its HTTP status, how many records it carried and how many reports
 * had each {@code error_code}. A container's own access log shows 200 for a stream whose every record
 * failed; this line shows the records' outcomes. For example:
 *
 * <pre>
 * 10.0.0.7 "POST /v3/clusters/abc/topics/orders/records" 200 records=3 (200:2 40301:1) bytes=312 ms=41
 * </pre>
 *
 * A stream whose client went away before its last report ends with {@code client_gone}; its unwritten
 * reports are counted as {@code undelivered}. Credentials are never logged.
 */
final class AccessLog {

  static final String LOGGER = "dev.tributary.access";
  private static final Logger LOG = Logger.getLogger(LOGGER);

  /** Counts of one stream's reports by error code. Thread-safe. */
  static final class Tally {
    private final Map<Integer, long[]> counts = new TreeMap<>();
    private long produced; // error_code 200 apart: it is nearly every report

    synchronized void add(int errorCode) {
      if (errorCode == 200) {
        produced++;
      } else {
        counts.computeIfAbsent(errorCode, code -> new long[1])[0]++;
      }
    }

    synchronized String summary() {
      if (produced > 0) {
        counts.put(200, new long[] {produced});
      }
      StringBuilder text = new StringBuilder();
      long records = 0;
      for (Map.Entry<Integer, long[]> entry : counts.entrySet()) {
        records += entry.getValue()[0];
        text.append(text.length() == 0 ? "" : " ")
            .append(entry.getKey() == ReportWriter.DROPPED ? "undelivered" : entry.getKey())
            .append(':')
            .append(entry.getValue()[0]);
      }
      return "records=" + records + (text.length() == 0 ? "" : " (" + text + ")");
    }
  }

  private final String request;

  AccessLog(HttpServletRequest request) {
    this(requestLine(request));
  }

  /** @param request how the lines begin: the client's address and the request line */
  AccessLog(String request) {
    this.request = request;
  }

  private static String requestLine(HttpServletRequest request) {
    String query = request.getQueryString();
    return request.getRemoteAddr() + " \"" + request.getMethod() + " " + request.getRequestURI()
        + (query == null ? "" : "?" + query) + "\"";
  }

  /** A stream that ran: the status was 200 from its first record. */
  void stream(int status, Tally tally, long bytes, long nanos, boolean clientGone) {
    if (LOG.isLoggable(Level.INFO)) {
      LOG.logp( // the source named: no stack walk to find it
          Level.INFO,
          AccessLog.class.getName(),
          "stream",
          request + " " + status + " " + tally.summary() + " bytes=" + bytes + " ms="
              + TimeUnit.NANOSECONDS.toMillis(nanos) + (clientGone ? " client_gone" : ""));
    }
  }

  /** A request refused as a whole, before any record was read. */
  void refused(int status, long nanos) {
    if (LOG.isLoggable(Level.INFO)) {
      LOG.logp(Level.INFO, AccessLog.class.getName(), "refused",
          request + " " + status + " records=0 ms=" + TimeUnit.NANOSECONDS.toMillis(nanos));
    }
  }
}

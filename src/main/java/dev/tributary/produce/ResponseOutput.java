package dev.tributary.produce;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;

/**
 * A response's output as a stream's {@link ReportWriter} may use it: one step at a time, never once the
 * exchange has ended, and never while it ends. Why: a container completes an exchange, and may recycle
 * its response's objects for another connection, as soon as the exchange ends; a write or flush of ours
 * still under way then reaches that other connection. Seen on Tomcat: a flush racing the end that a
 * client's reset brought broke the next connection served with the same objects (about one such
 * connection in two hundred in a stress run of resets).
 */
interface ResponseOutput {

  /** Whether the exchange has not ended: a cheap look; {@link #use} decides. */
  boolean isOpen();

  /**
   * Runs {@code step} on the output unless the exchange has ended, and keeps it from ending meanwhile.
   *
   * @return what {@code step} answered, or null if the exchange had ended and it did not run
   */
  Boolean use(Step step) throws IOException;

  /** One use of the output: a write or a flush after {@code isReady()}, or only the question. */
  interface Step {
    boolean run(ServletOutputStream out) throws IOException;
  }

  /** A step: flushes if the output is ready; says whether it was. */
  static boolean flushIfReady(ServletOutputStream out) throws IOException {
    if (!out.isReady()) {
      return false;
    }
    out.flush();
    return true;
  }
}

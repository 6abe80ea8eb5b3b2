package dev.tributary.produce.reports;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;

/**
 * A response's output as a stream's {@link ReportWriter} may use it: one step at a time, never once the
 * exchange has ended, and never while it ends. Why: a container completes an exchange, and may recycle
 * its response's objects for another connection, as soon as the exchange ends; a write or flush of ours
 * still under way then reaches that other connection. Seen on Tomcat: a flush racing the end that a
 * client's reset brought broke the next connection served with the same objects (about one such
 * connection in two hundred in a stress run of resets).
 *
 * <p>Public because the stream's exchange, one package up, is what implements it.
 */
public interface ResponseOutput {

  /** Whether the exchange has not ended: a cheap look; {@link #use} decides. */
  boolean isOpen();

  /**
   * Runs {@code step} on the output unless the exchange has ended, and keeps it from ending meanwhile.
   *
   * @return what came of it: the step found the output {@link Use#READY} or {@link Use#NOT_READY}, or it
   *     did not run, the exchange having {@link Use#ENDED}
   */
  Use use(Step step) throws IOException;

  /** One use of the output: a write or a flush after {@code isReady()}, or only the question. */
  interface Step {
    /** @return whether the output was ready (and the step did its write or flush) */
    boolean run(ServletOutputStream out) throws IOException;
  }

  /** What came of one {@link #use}. */
  enum Use {
    /** The step ran and found the output ready. */
    READY,
    /** The step ran and found the output not ready: the container calls {@code onWritePossible} next. */
    NOT_READY,
    /** The step did not run: the exchange had ended. */
    ENDED;

    /** The outcome of a step that ran and answered {@code ready}. */
    public static Use ran(boolean ready) {
      return ready ? READY : NOT_READY;
    }
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

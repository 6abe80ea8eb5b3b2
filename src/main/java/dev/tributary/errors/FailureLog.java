package dev.tributary.errors;

import dev.tributary.kafka.KafkaFailure;
import dev.tributary.kafka.QuietKafkaLogs;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs a failure by its audience. Callers decide how often: once per refused request, once per stream
 * for failures that repeat record after record (those are counted in the metrics by error code).
 *
 * <ul>
 *   <li>The client's mistakes: at FINE, for whoever debugs a client; the client has the message.
 *   <li>Kafka's failures: one WARNING line, with no stack trace, on {@link QuietKafkaLogs#FAILURES},
 *       which passes each kind once a minute (a broker outage fails every stream's records alike).
 *   <li>Anything unexpected: SEVERE with the stack trace and the error id the client's 500 carries.
 * </ul>
 */
public final class FailureLog {

  private static final Logger LOG = Logger.getLogger(Errors.class.getName());
  private static final Logger KAFKA_LOG = Logger.getLogger(QuietKafkaLogs.FAILURES);

  private FailureLog() {}

  /** Logs {@code failure} once; {@code where} says what failed ("a record of topic t", "a request"). */
  public static void log(Errors.Failure failure, String where) {
    if (failure.unexpected()) {
      LOG.log(
          Level.SEVERE,
          "Unexpected failure of " + where + ", error id " + Errors.errorId(failure.cause()),
          failure.cause());
    } else if (failure.serverFault() && failure.cause() instanceof KafkaFailure) {
      KAFKA_LOG.warning("Kafka failed " + where + ": " + failure.body().message());
    } else if (failure.serverFault()) {
      LOG.warning("Failed " + where + ": " + failure.body().message());
    } else if (LOG.isLoggable(Level.FINE)) {
      LOG.fine(where + ": " + failure.body().errorCode() + " " + failure.body().message());
    }
  }
}

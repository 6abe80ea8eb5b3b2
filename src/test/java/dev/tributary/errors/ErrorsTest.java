package dev.tributary.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.api.ErrorResponse;
import dev.tributary.kafka.KafkaFailure;
import dev.tributary.kafka.QuietKafkaLogs;
import dev.tributary.testing.LogCapture;
import jakarta.ws.rs.InternalServerErrorException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** The one failure mapping: the table of spec section 4, a pure function; and logging by audience. */
class ErrorsTest {

  private static void assertMaps(Throwable error, int status, int code, String message) {
    Errors.Failure failure = Errors.toFailure(error);
    assertEquals(status, failure.httpStatus(), message);
    assertEquals(new ErrorResponse(code, message), failure.body());
  }

  /** As the Kafka boundary hands Kafka's exceptions out. */
  private static Throwable kafka(KafkaException e) {
    return KafkaFailure.translate(e);
  }

  @Test
  void kafkaFailuresMapByTheTable() {
    assertMaps(kafka(new SaslAuthenticationException("bad password for alice")), 401, 40101, "Authentication failed");
    assertMaps(kafka(new AuthenticationException("x")), 401, 40101, "Authentication failed");
    assertMaps(kafka(new TopicAuthorizationException(Set.of("t"))), 403, 40301, "Not authorized to access topics: [t]");
    assertMaps(kafka(new UnknownTopicOrPartitionException("gone")), 404, 40403, "This server does not host this topic-partition.");
    assertMaps(kafka(new RecordTooLargeException("The message is 2000 bytes")), 413, 413, "The message is 2000 bytes");
    assertMaps(kafka(new BrokerNotAvailableException("No broker")), 503, 50302, "No broker");
    assertMaps(kafka(new NotEnoughReplicasException("Not enough replicas")), 503, 50003, "Not enough replicas");
    assertMaps(kafka(new TimeoutException("Expiring 1 record(s)\n after 120000 ms")), 503, 50003, "Expiring 1 record(s) after 120000 ms");
    assertMaps(kafka(new InvalidTopicException("Invalid topic")), 500, 50002, "Invalid topic");
    assertMaps(kafka(new KafkaException("Producer closed")), 500, 50002, "Producer closed");
    assertMaps(kafka(new InvalidTimestampException("too old")), 400, 400, "Bad Request: Kafka refused the record's timestamp: too old");
    assertMaps(kafka(new InvalidRecordException("no key")), 400, 400, "Bad Request: Kafka refused the record: no key");
  }

  @Test
  void futuresAreUnwrapped() {
    assertMaps(new CompletionException(kafka(new NotEnoughReplicasException("nr"))), 503, 50003, "nr");
    assertEquals(
        KafkaFailure.Kind.RETRIABLE,
        ((KafkaFailure) KafkaFailure.translate(new CompletionException(new NotEnoughReplicasException("nr")))).kind());
  }

  @Test
  void jaxRsStatusesKeepTheirStatusAndReason() {
    assertMaps(new NotFoundException(), 404, 404, "HTTP 404 Not Found");
    assertMaps(new NotAllowedException("POST"), 405, 405, "HTTP 405 Method Not Allowed");
    assertMaps(new NotSupportedException(), 415, 415, "HTTP 415 Unsupported Media Type");
  }

  @Test
  void anythingElseIsAnInternalErrorThatSaysNothingButItsId() {
    NullPointerException bug = new NullPointerException("secret detail");
    Errors.Failure failure = Errors.toFailure(bug);
    assertEquals(500, failure.httpStatus());
    assertEquals(
        new ErrorResponse(500, "Internal Server Error (error id " + Errors.errorId(bug) + ")"), failure.body());
    assertTrue(Pattern.matches("[0-9a-f]{8}", Errors.errorId(bug)), Errors.errorId(bug));
    assertTrue(failure.unexpected());
    InternalServerErrorException fromJaxRs = new InternalServerErrorException();
    assertEquals(
        "Internal Server Error (error id " + Errors.errorId(fromJaxRs) + ")", Errors.toFailure(fromJaxRs).body().message());
  }

  @Test
  void theMappingIsPure_theSameFailureTwiceIsTheSameAnswerAndNothingIsLogged() {
    List<LogRecord> logged = new ArrayList<>();
    try (Captured ignored = capture(logged, Errors.class.getName(), QuietKafkaLogs.FAILURES)) {
      for (Throwable error :
          List.of(
              new IllegalStateException("bug"),
              kafka(new TimeoutException("slow")),
              TributaryException.of(ErrorCode.NOT_AN_OBJECT))) {
        assertEquals(Errors.toFailure(error), Errors.toFailure(error));
      }
    }
    assertEquals(List.of(), logged.stream().map(LogRecord::getMessage).toList());
  }

  @Test
  void aFailureIsLoggedByItsAudience_anUnexpectedOneWithTheIdItsAnswerCarries() {
    List<LogRecord> logged = new ArrayList<>();
    IllegalStateException bug = new IllegalStateException("bug");
    Errors.Failure unexpected = Errors.toFailure(bug);
    try (Captured ignored = capture(logged, Errors.class.getName(), QuietKafkaLogs.FAILURES)) {
      FailureLog.log(unexpected, "a request");
      FailureLog.log(Errors.toFailure(kafka(new TimeoutException("Expiring 3 record(s)"))), "a record of topic t");
      FailureLog.log(Errors.toFailure(TributaryException.of(ErrorCode.NOT_AN_OBJECT)), "a record of topic t");
    }
    assertEquals(2, logged.size(), "one line each for the two server-side failures; the client's at FINE");
    LogRecord severe = logged.get(0);
    assertEquals(Level.SEVERE, severe.getLevel());
    assertSame(bug, severe.getThrown());
    String id = Errors.errorId(bug);
    assertEquals("Unexpected failure of a request, error id " + id, severe.getMessage());
    assertTrue(unexpected.body().message().endsWith("(error id " + id + ")"));
    LogRecord kafka = logged.get(1);
    assertEquals(Level.WARNING, kafka.getLevel());
    assertEquals(QuietKafkaLogs.FAILURES, kafka.getLoggerName());
    assertEquals("Kafka failed a record of topic t: Expiring 3 record(s)", kafka.getMessage());
    assertEquals(null, kafka.getThrown());
  }

  @Test
  void catalogueMessagesAreOneLine() {
    assertMaps(TributaryException.of(ErrorCode.BAD_REQUEST, "two\r\nlines"), 400, 400, "Bad Request: two lines");
  }

  @Test
  void everyEntryTakesExactlyTheValuesItsMessageMarks_andIsWordedInFull() {
    for (ErrorCode code : ErrorCode.values()) {
      int marks = code.valueCount();
      Object[] values = new Object[marks];
      java.util.Arrays.fill(values, "V");
      String message = code.message(values);
      assertTrue(!message.contains("%"), code + ": " + message);
      assertThrows(IllegalArgumentException.class, () -> code.message(new Object[marks + 1]), code.name());
      assertTrue(code.httpStatus() >= 400 && code.errorCode() >= 400, code.name());
    }
    assertEquals(
        "Bad Request: timestamp=V is later than this topic accepts: at most 1000 ms after now (message.timestamp.after.max.ms).",
        ErrorCode.TIMESTAMP_TOO_LATE.message("V", 1000L));
    assertEquals(
        "Bad Request: x.data is not valid Unicode: it has an unpaired surrogate (\\ud800).",
        ErrorCode.UNPAIRED_SURROGATE.message("x.data", "d800"));
    assertNotEquals(ErrorCode.RECORD_TOO_LARGE.message(1), ErrorCode.RECORD_TOO_LARGE_FOR_TOPIC.message(1));
  }

  private interface Captured extends AutoCloseable {
    @Override
    void close();
  }

  private static Captured capture(List<LogRecord> into, String... loggers) {
    List<Logger> held = new ArrayList<>();
    LogCapture handler = new LogCapture(into::add);
    for (String name : loggers) {
      Logger logger = Logger.getLogger(name);
      held.add(logger);
      logger.addHandler(handler);
    }
    return () -> held.forEach(logger -> logger.removeHandler(handler));
  }
}

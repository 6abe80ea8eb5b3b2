package dev.tributary.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.api.ErrorResponse;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** The one failure mapping: the table of spec section 4. */
class ErrorsTest {

  private static void assertMaps(Throwable error, int status, int code, String message) {
    assertEquals(new Errors.Failure(status, new ErrorResponse(code, message)), Errors.toFailure(error));
  }

  @Test
  void kafkaFailuresMapByTheTable() {
    assertMaps(new SaslAuthenticationException("bad password for alice"), 401, 40101, "Authentication failed");
    assertMaps(new AuthenticationException("x"), 401, 40101, "Authentication failed");
    assertMaps(new TopicAuthorizationException(Set.of("t")), 403, 40301, "Not authorized to access topics: [t]");
    assertMaps(new UnknownTopicOrPartitionException("gone"), 404, 40403, "This server does not host this topic-partition.");
    assertMaps(new RecordTooLargeException("The message is 2000 bytes"), 413, 413, "The message is 2000 bytes");
    assertMaps(new BrokerNotAvailableException("No broker"), 503, 50302, "No broker");
    assertMaps(new NotEnoughReplicasException("Not enough replicas"), 503, 50003, "Not enough replicas");
    assertMaps(new TimeoutException("Expiring 1 record(s)\n after 120000 ms"), 503, 50003, "Expiring 1 record(s) after 120000 ms");
    assertMaps(new InvalidTopicException("Invalid topic"), 500, 50002, "Invalid topic");
    assertMaps(new KafkaException("Producer closed"), 500, 50002, "Producer closed");
  }

  @Test
  void futuresAreUnwrapped() {
    assertMaps(new CompletionException(new NotEnoughReplicasException("nr")), 503, 50003, "nr");
  }

  @Test
  void jaxRsStatusesKeepTheirStatusAndReason() {
    assertMaps(new NotFoundException(), 404, 404, "HTTP 404 Not Found");
    assertMaps(new NotAllowedException("POST"), 405, 405, "HTTP 405 Method Not Allowed");
    assertMaps(new NotSupportedException(), 415, 415, "HTTP 415 Unsupported Media Type");
  }

  @Test
  void anythingElseIsAnInternalErrorThatSaysNothingMore() {
    assertMaps(new NullPointerException("secret detail"), 500, 500, "Internal Server Error");
  }

  @Test
  void catalogueMessagesAreOneLine() {
    assertMaps(TributaryException.badRequest("two\r\nlines"), 400, 400, "Bad Request: two lines");
  }
}

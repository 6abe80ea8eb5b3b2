package dev.tributary.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Await;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/**
 * Pass-through authentication: each caller's HTTP Basic credentials are its own Kafka login, so Kafka's
 * authentication and ACLs decide, and credentials never leak (see {@link PassThroughFixture} for the broker).
 */
class PassThroughTest extends PassThroughFixture {

  @Test
  void requestsWithoutCredentialsGet401WithABasicChallenge() {
    for (Http.Reply reply :
        List.of(
            post(plain, null, "orders", "x"),
            post(plain, "Bearer abc", "orders", "x"),
            post(plain, "Basic !!!", "orders", "x"),
            post(plain, basic("", "x"), "orders", "x"),
            Http.get(plain.uri("/v3/clusters")))) {
      assertEquals(401, reply.status(), reply.body());
      assertEquals(REQUIRED, reply.body());
      assertEquals(CHALLENGE, reply.raw().headers().firstValue("WWW-Authenticate").orElse(null));
    }
  }

  @Test
  void wrongPasswordsAndUnknownUsersGet40101BeforeAnyRecordIsRead() {
    long before = broker.endOffset("orders");
    for (String authorization :
        List.of(basic("alice", "not-alices-password"), basic("nobody", "whatever"), basic("bob", ""))) {
      Http.Reply reply = post(plain, authorization, "orders", "must-not-arrive");
      assertEquals(401, reply.status(), reply.body());
      assertEquals(FAILED, reply.body());
      assertEquals(CHALLENGE, reply.raw().headers().firstValue("WWW-Authenticate").orElse(null));
    }
    Http.Reply clusters = Http.send(HttpRequest.newBuilder(plain.uri("/v3/clusters")).header("Authorization", basic("alice", "nope")));
    assertEquals(401, clusters.status());
    assertEquals(FAILED, clusters.body());
    assertEquals(before, broker.endOffset("orders"));
  }

  @Test
  void eachCallerProducesAsItselfAndKafkasAclsDecide() {
    String topicA = "audit";
    long ordersStart = broker.endOffset("orders");
    long auditStart = broker.endOffset(topicA);

    Http.Reply alice = post(plain, basic("alice", "alice-secret"), "orders", "from-alice-1", "from-alice-2");
    assertEquals(200, alice.status(), alice.body());
    assertEquals(2, alice.lines().size());
    assertSuccess(alice.lines().get(0), "orders", ordersStart);
    assertSuccess(alice.lines().get(1), "orders", ordersStart + 1);

    // alice is authenticated (her producer is pooled) but may not write audit: in band, per record.
    Http.Reply denied = post(plain, basic("alice", "alice-secret"), topicA, "denied-1", "denied-2");
    assertEquals(200, denied.status(), denied.body());
    assertEquals(
        List.of(
            "{\"error_code\":40301,\"message\":\"Not authorized to access topics: [audit]\"}",
            "{\"error_code\":40301,\"message\":\"Not authorized to access topics: [audit]\"}"),
        denied.lines());

    // bob may: his records arrive, so he did not produce with alice's producer.
    Http.Reply bob = post(plain, basic("bob", "bob-secret"), topicA, "from-bob");
    assertEquals(200, bob.status(), bob.body());
    assertSuccess(bob.lines().get(0), topicA, auditStart);

    List<String> audit = values(Environment.consume(broker, topicA, (int) auditStart + 1));
    assertEquals("from-bob", audit.get(audit.size() - 1));
    assertFalse(audit.contains("denied-1") || audit.contains("denied-2"), audit.toString());
    List<String> orders = values(Environment.consume(broker, "orders", (int) ordersStart + 2));
    assertEquals(List.of("from-alice-1", "from-alice-2"), orders.subList((int) ordersStart, (int) ordersStart + 2));
  }

  @Test
  void scramSha512CredentialsArePassedThrough() throws Exception {
    try (TributaryServer server = server("SCRAM-SHA-512", "scram", Map.of())) {
      long start = broker.endOffset("orders");
      Http.Reply carol = post(server, basic("carol", "carol-secret"), "orders", "from-carol");
      assertEquals(200, carol.status(), carol.body());
      assertSuccess(carol.lines().get(0), "orders", start);
      Http.Reply wrong = post(server, basic("carol", "carol-wrong"), "orders", "x");
      assertEquals(401, wrong.status());
      assertEquals(FAILED, wrong.body());
      Http.Reply plainOnly = post(server, basic("alice", "alice-secret"), "orders", "x");
      assertEquals(401, plainOnly.status(), "alice has no SCRAM credentials");
    }
  }

  @Test
  void credentialsKafkaRejectsMidStreamGiveInBand40101AndAre401ForTheNextRequest() throws Exception {
    broker.addScramUser("dave", "dave-secret");
    broker.allowWrite("dave", "orders");
    Map<String, String> quick = Map.of("producer.delivery.timeout.ms", "6000", "producer.request.timeout.ms", "3000");
    try (TributaryServer server = server("SCRAM-SHA-512", "reauth", quick)) {
      try (StreamingClient stream =
          StreamingClient.open(
              "127.0.0.1", server.port(), path("orders"), Map.of("Authorization", basic("dave", "dave-secret")))) {
        stream.send(String.format(RECORD, "before"));
        assertTrue(stream.readReport().startsWith("{\"error_code\":200,"));
        broker.addScramUser("dave", "dave-changed");
        // The broker re-authenticates the producer's connection within 3 s, with the old password. A
        // record in flight then expires (50003, after delivery.timeout.ms); the next gets 40101.
        List<String> reports = new ArrayList<>();
        Await.until(
            Duration.ofSeconds(30),
            Duration.ZERO, // paced by the sending
            () -> {
              Thread.sleep(500); // the pace of the records: one every half second
              stream.send(String.format(RECORD, "after"));
              reports.add(stream.readReport());
              return reports;
            },
            sent -> sent.get(sent.size() - 1).equals(FAILED),
            "a record to get " + FAILED);
        boolean failing = false;
        for (String report : reports.subList(0, reports.size() - 1)) {
          failing |= !report.startsWith("{\"error_code\":200,");
          assertTrue(
              failing ? report.startsWith("{\"error_code\":50003,\"message\":\"Expiring ") : report.startsWith("{\"error_code\":200,"),
              reports.toString());
        }
      }
      // The rejected producer left the pool: the old password is proven again, and refused at once.
      Http.Reply again = post(server, basic("dave", "dave-secret"), "orders", "x");
      assertEquals(401, again.status(), again.body());
      assertEquals(FAILED, again.body());
      assertEquals(200, post(server, basic("dave", "dave-changed"), "orders", "new").status());
    }
  }

  @Test
  void credentialsNeverAppearInLogsBodiesOrMetrics() throws Exception {
    Logger tributary = Logger.getLogger("dev.tributary");
    Level level = tributary.getLevel();
    tributary.setLevel(Level.ALL);
    List<String> bodies = new ArrayList<>();
    try {
      bodies.add(post(plain, basic("alice", "alice-secret"), "orders", "ok").body());
      bodies.add(post(plain, basic("alice", "Secret-Wrong-1"), "orders", "x").body());
      bodies.add(post(plain, basic("mallory", "Secret-Wrong-2"), "orders", "x").body());
      bodies.add(post(plain, basic("alice", "alice-secret"), "audit", "x").body());
      bodies.add(post(plain, basic("al\"ice", "Secret\\Wrong\"3"), "orders", "x").body());
    } finally {
      tributary.setLevel(level);
    }
    List<String> secrets = List.of("alice-secret", "Secret-Wrong-1", "Secret-Wrong-2", "Secret\\Wrong\"3");
    for (String body : bodies) {
      for (String secret : secrets) {
        assertFalse(body.contains(secret), body);
      }
      assertFalse(body.contains("mallory"), body);
    }
    SimpleFormatter formatter = new SimpleFormatter();
    // The rejected logins were logged (by the Kafka client at least): the checks below look at something.
    assertTrue(logs.stream().anyMatch(r -> String.valueOf(r.getLoggerName()).startsWith("org.apache.kafka")),
        "no log record was captured");
    for (LogRecord record : logs) {
      StringWriter text = new StringWriter();
      text.append(formatter.formatMessage(record));
      if (record.getThrown() != null) {
        record.getThrown().printStackTrace(new PrintWriter(text));
      }
      for (String secret : secrets) {
        assertFalse(text.toString().contains(secret), record.getLoggerName() + ": " + text);
      }
      String logger = String.valueOf(record.getLoggerName());
      if (logger.startsWith("dev.tributary") || logger.startsWith("org.apache.kafka.clients")) {
        assertFalse(text.toString().contains("mallory"), logger + ": " + text);
      }
    }
    for (Object name : ManagementFactory.getPlatformMBeanServer().queryNames(null, null)) {
      assertFalse(name.toString().contains("alice") || name.toString().contains("mallory"), name.toString());
    }
  }
}

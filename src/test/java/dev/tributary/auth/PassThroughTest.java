package dev.tributary.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.LogCapture;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pass-through authentication ({@code authentication.method=BASIC}) against a real broker with a
 * {@code SASL_PLAINTEXT} listener and Kafka's {@code StandardAuthorizer}: alice may write {@code orders}
 * only, bob {@code orders} and {@code audit}, carol (SCRAM-SHA-512) {@code orders}, and p000 to p099
 * {@code shared}; the proxy's own account, admin, may describe topics and their configs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PassThroughTest {

  private static final String REQUIRED =
      "{\"error_code\":401,\"message\":\"Authentication required: send your Kafka user name and password with"
          + " HTTP Basic authentication.\"}";
  private static final String FAILED = "{\"error_code\":40101,\"message\":\"Authentication failed\"}";
  private static final String CHALLENGE = "Basic realm=\"Tributary\", charset=\"UTF-8\"";
  private static final String RECORD = "{\"value\":{\"type\":\"STRING\",\"data\":\"%s\"}}";

  private final Queue<LogRecord> logs = new ConcurrentLinkedQueue<>();
  private final Handler capture =
      new LogCapture(logs::add);
  private KafkaBroker broker;
  private TributaryServer plain;

  @BeforeAll
  void start() throws Exception {
    Logger.getLogger("").addHandler(capture);
    Map<String, String> users = new LinkedHashMap<>();
    users.put("admin", "admin-secret");
    users.put("alice", "alice-secret");
    users.put("bob", "bob-secret");
    for (int i = 0; i < 100; i++) {
      users.put(principal(i), "pw-" + principal(i));
    }
    broker = KafkaBroker.startWithSasl(users);
    broker.addScramUser("admin", "admin-scram-secret");
    broker.addScramUser("carol", "carol-secret");
    broker.createTopic("orders", 1);
    broker.createTopic("audit", 1);
    broker.createTopic("shared", 1);
    // The proxy's own account looks topics up (Describe) and reads their max.message.bytes.
    broker.allow("admin", AclOperation.DESCRIBE, "*");
    broker.allow("admin", AclOperation.DESCRIBE_CONFIGS, "*");
    broker.allowWrite("alice", "orders");
    broker.allowWrite("bob", "orders", "audit");
    broker.allowWrite("carol", "orders");
    List<String> principals = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      principals.add(principal(i));
    }
    broker.allow(principals, AclOperation.WRITE, "shared");
    plain = server("PLAIN", "plain", Map.of("authentication.producer.pool.max.size", "8"));
  }

  @AfterAll
  void stop() throws Exception {
    Logger.getLogger("").removeHandler(capture);
    if (plain != null) {
      plain.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static String principal(int i) {
    return String.format("p%03d", i);
  }

  /** A deployment with pass-through authentication and {@code mechanism}; its producers' ids start with {@code clientId}. */
  private TributaryServer server(String mechanism, String clientId, Map<String, String> extra) throws Exception {
    String adminPassword = mechanism.equals("PLAIN") ? "admin-secret" : "admin-scram-secret";
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    Map<String, String> params = new HashMap<>();
    params.put("bootstrap.servers", broker.saslBootstrapServers());
    params.put("authentication.method", "BASIC");
    params.put("client.security.protocol", "SASL_PLAINTEXT");
    params.put("client.sasl.mechanism", mechanism);
    params.put(
        "client.sasl.jaas.config",
        module + " required username=\"admin\" password=\"" + adminPassword + "\";");
    params.put("producer.client.id", clientId);
    params.putAll(extra);
    return Environment.startServer(broker, params);
  }

  private String path(String topic) {
    return "/kafka/v3/clusters/" + broker.clusterId() + "/topics/" + topic + "/records";
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private Http.Reply post(TributaryServer server, String authorization, String topic, String... values) {
    StringBuilder body = new StringBuilder();
    for (String value : values) {
      body.append(String.format(RECORD, value));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path(topic)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return Http.send(request);
  }

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    List<String> values = new ArrayList<>();
    records.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
    return values;
  }

  /** Live producers of the deployment whose producers' ids start with {@code clientId}. */
  private static int producers(String clientId) {
    String prefix = "kafka-producer-network-thread | " + clientId + "-";
    return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
  }

  private void assertSuccess(String report, String topic, long offset) {
    assertTrue(
        report.startsWith(
            "{\"error_code\":200,\"cluster_id\":\"" + broker.clusterId() + "\",\"topic_name\":\"" + topic
                + "\",\"partition_id\":0,\"offset\":" + offset + ",\"timestamp\":"),
        report);
  }

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
  void aPooledPrincipalsProducerIsNeverUsedWithAnotherPassword() {
    assertEquals(200, post(plain, basic("alice", "alice-secret"), "orders", "warm-up").status());
    Http.Reply wrong = post(plain, basic("alice", "alice-secret-but-wrong"), "orders", "must-not-arrive");
    assertEquals(401, wrong.status());
    assertEquals(FAILED, wrong.body());
  }

  @Test
  void oneProducerServesAPrincipalOnEveryConnection() throws Exception {
    try (TributaryServer server = server("PLAIN", "shared-conn", Map.of())) {
      List<StreamingClient> streams = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          StreamingClient stream =
              StreamingClient.open(
                  "127.0.0.1", server.port(), path("shared"), Map.of("Authorization", basic("p042", "pw-p042")));
          streams.add(stream);
          stream.send(String.format(RECORD, "conn-" + i));
          assertSuccess(stream.readReport(), "shared", broker.endOffset("shared") - 1);
        }
        assertEquals(1, producers("shared-conn"));
      } finally {
        for (StreamingClient stream : streams) {
          stream.close();
        }
      }
    }
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
        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((reports.isEmpty() || !reports.get(reports.size() - 1).equals(FAILED)) && System.nanoTime() < deadline) {
          Thread.sleep(500);
          stream.send(String.format(RECORD, "after"));
          reports.add(stream.readReport());
        }
        assertEquals(FAILED, reports.get(reports.size() - 1), reports.toString());
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
  void thePoolStaysWithinItsBoundUnderAHundredPrincipals() throws Exception {
    AtomicInteger most = new AtomicInteger();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                most.accumulateAndGet(producers("plain"), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // leaves the cores to the test
              }
            });
    sampler.start();
    long start = broker.endOffset("shared");
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<Http.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String user = principal(i);
        replies.add(clients.submit(() -> post(plain, basic(user, "pw-" + user), "shared", "from-" + user)));
      }
      for (Future<Http.Reply> reply : replies) {
        assertEquals(200, reply.get().status(), reply.get().body());
        assertTrue(reply.get().body().startsWith("{\"error_code\":200,"), reply.get().body());
      }
    } finally {
      clients.shutdown();
      sampling.set(false);
      sampler.join();
    }
    assertTrue(most.get() <= 8, "up to " + most.get() + " producers at once; the pool holds 8");
    assertEquals(8, producers("plain"));
    List<String> values = values(Environment.consume(broker, "shared", (int) start + 100));
    assertEquals(start + 100, values.size());
  }

  @Test
  void aNewPrincipalGets429WhileEveryPooledProducerIsInUse() throws Exception {
    try (TributaryServer server = server("PLAIN", "tiny", Map.of("authentication.producer.pool.max.size", "2"))) {
      StreamingClient first =
          StreamingClient.open("127.0.0.1", server.port(), path("shared"), Map.of("Authorization", basic("p000", "pw-p000")));
      StreamingClient second =
          StreamingClient.open("127.0.0.1", server.port(), path("shared"), Map.of("Authorization", basic("p001", "pw-p001")));
      first.send(String.format(RECORD, "held-0"));
      second.send(String.format(RECORD, "held-1"));
      assertTrue(first.readReport().startsWith("{\"error_code\":200,"));
      assertTrue(second.readReport().startsWith("{\"error_code\":200,"));

      Http.Reply refused = post(server, basic("p002", "pw-p002"), "shared", "refused");
      assertEquals(429, refused.status());
      assertEquals(
          "{\"error_code\":429,\"message\":\"Request rate limit exceeded: all 2 Kafka producers are in use by"
              + " other principals; retry later\"}",
          refused.body());

      first.end();
      assertEquals(List.of(), first.readAll());
      first.close();
      Http.Reply admitted = post(server, basic("p002", "pw-p002"), "shared", "admitted");
      assertEquals(200, admitted.status(), admitted.body());
      assertTrue(admitted.body().startsWith("{\"error_code\":200,"), admitted.body());
      assertEquals(2, producers("tiny"));
      second.close();
    }
  }

  @Test
  void idleProducersAreClosed() throws Exception {
    try (TributaryServer server =
        server("PLAIN", "idle", Map.of("authentication.producer.pool.idle.timeout.ms", "300"))) {
      assertEquals(200, post(server, basic("alice", "alice-secret"), "orders", "then-idle").status());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (producers("idle") > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, producers("idle"));
      assertEquals(200, post(server, basic("alice", "alice-secret"), "orders", "back-again").status());
      assertEquals(1, producers("idle"));
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

package dev.tributary.auth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.LogCapture;
import dev.tributary.testing.TributaryServer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A real broker for pass-through authentication ({@code authentication.method=BASIC}), one per test
 * class: a {@code SASL_PLAINTEXT} listener and Kafka's {@code StandardAuthorizer}; alice may write {@code
 * orders} only, bob {@code orders} and {@code audit}, carol (SCRAM-SHA-512) {@code orders}, and p000 to
 * p099 {@code shared}; the proxy's own account, admin, may describe topics and their configs. Every log
 * record of the class's run is captured in {@link #logs}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PassThroughFixture {

  static final String REQUIRED =
      "{\"error_code\":401,\"message\":\"Authentication required: send your Kafka user name and password with"
          + " HTTP Basic authentication.\"}";
  static final String FAILED = "{\"error_code\":40101,\"message\":\"Authentication failed\"}";
  static final String CHALLENGE = "Basic realm=\"Tributary\", charset=\"UTF-8\"";
  static final String RECORD = "{\"value\":{\"type\":\"STRING\",\"data\":\"%s\"}}";

  final Queue<LogRecord> logs = new ConcurrentLinkedQueue<>();
  final Handler capture =
      new LogCapture(logs::add);
  KafkaBroker broker;
  TributaryServer plain;

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

  static String principal(int i) {
    return String.format("p%03d", i);
  }

  /** A deployment with pass-through authentication and {@code mechanism}; its producers' ids start with {@code clientId}. */
  TributaryServer server(String mechanism, String clientId, Map<String, String> extra) throws Exception {
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
    TributaryServer server = Environment.startServer(broker, params);
    // As a deployment behind a readiness probe: a first SASL login can take longer than the cluster
    // check allows on a loaded machine, and until the cluster answers, produce requests are 503.
    server.awaitReady(Duration.ofSeconds(30));
    return server;
  }

  String path(String topic) {
    return "/kafka/v3/clusters/" + broker.clusterId() + "/topics/" + topic + "/records";
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Http.Reply post(TributaryServer server, String authorization, String topic, String... values) {
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

  static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    List<String> values = new ArrayList<>();
    records.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
    return values;
  }

  /** Live producers of the deployment whose producers' ids start with {@code clientId}. */
  static int producers(String clientId) {
    String prefix = "kafka-producer-network-thread | " + clientId + "-";
    return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
  }

  void assertSuccess(String report, String topic, long offset) {
    assertTrue(
        report.startsWith(
            "{\"error_code\":200,\"cluster_id\":\"" + broker.clusterId() + "\",\"topic_name\":\"" + topic
                + "\",\"partition_id\":0,\"offset\":" + offset + ",\"timestamp\":"),
        report);
  }
}

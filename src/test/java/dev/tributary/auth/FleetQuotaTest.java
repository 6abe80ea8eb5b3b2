package dev.tributary.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.TributaryServer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

/**
 * A fleet of two deployments behind one endpoint, one principal with a Kafka client quota: with
 * pass-through authentication each deployment's producer for that principal logs in as it, so Kafka's
 * {@code producer_byte_rate} throttles the principal's combined traffic across the fleet, with no
 * coordination between the proxies.
 */
class FleetQuotaTest {

  private static final long QUOTA = 400_000; // bytes per second, the principal's across every client
  private static final int RECORDS = 1_000; // per deployment, of about 1 KB each

  @Test
  void aPrincipalsQuotaHoldsAcrossTwoDeployments() throws Exception {
    try (KafkaBroker broker = KafkaBroker.startWithSasl(Map.of("admin", "admin-secret", "dave", "dave-secret"))) {
      broker.createTopic("metered", 1);
      broker.allow("admin", AclOperation.DESCRIBE, "*");
      broker.allow("admin", AclOperation.DESCRIBE_CONFIGS, "*");
      broker.allowWrite("dave", "metered");
      try (Admin admin = broker.admin()) {
        admin
            .alterClientQuotas(
                List.of(
                    new ClientQuotaAlteration(
                        new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "dave")),
                        List.of(new ClientQuotaAlteration.Op("producer_byte_rate", (double) QUOTA)))))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      try (TributaryServer first = deployment(broker); TributaryServer second = deployment(broker)) {
        String body = body();
        long start = System.nanoTime();
        CompletableFuture<Http.Reply> a = CompletableFuture.supplyAsync(() -> post(first, broker, body));
        CompletableFuture<Http.Reply> b = CompletableFuture.supplyAsync(() -> post(second, broker, body));
        List<Http.Reply> replies = List.of(a.get(120, TimeUnit.SECONDS), b.get(120, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Http.Reply reply : replies) {
          assertEquals(200, reply.status(), reply.body());
          assertEquals(RECORDS, reply.lines().stream().filter(r -> r.startsWith("{\"error_code\":200,")).count());
        }
        assertEquals(2 * RECORDS, broker.endOffset("metered"));
        double rate = 2.0 * body.length() / seconds;
        System.out.printf("FleetQuotaTest: %d bytes through two deployments in %.1f s: %.0f bytes/s (quota %d)%n",
            2 * body.length(), seconds, rate, QUOTA);
        // Kafka measures over a window of seconds and lets a first burst through, so allow some slack;
        // without the quota the same records take well under a second.
        assertTrue(rate < 1.5 * QUOTA, "the fleet together went at " + rate + " bytes/s, over the quota of " + QUOTA);
        assertTrue(rate > 0.4 * QUOTA, "the fleet together went at only " + rate + " bytes/s");
      }
    }
  }

  private static TributaryServer deployment(KafkaBroker broker) throws Exception {
    return Environment.startServer(
        broker,
        Map.of(
            "bootstrap.servers", broker.saslBootstrapServers(),
            "authentication.method", "BASIC",
            "client.security.protocol", "SASL_PLAINTEXT",
            "client.sasl.mechanism", "PLAIN",
            "client.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\";"));
  }

  private static String body() {
    StringBuilder body = new StringBuilder();
    String value = "v".repeat(1_000);
    for (int i = 0; i < RECORDS; i++) {
      body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"").append(value).append("\"}}\n");
    }
    return body.toString();
  }

  private static Http.Reply post(TributaryServer server, KafkaBroker broker, String body) {
    String credentials = Base64.getEncoder().encodeToString("dave:dave-secret".getBytes(StandardCharsets.UTF_8));
    return Http.send(
        HttpRequest.newBuilder(server.uri("/v3/clusters/" + broker.clusterId() + "/topics/metered/records"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Basic " + credentials)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }
}

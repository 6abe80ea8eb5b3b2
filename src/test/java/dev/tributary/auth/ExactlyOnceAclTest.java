package dev.tributary.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Http;
import dev.tributary.testing.StreamingClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once streams with pass-through authentication: each principal's producer ids are its own,
 * enforced by Kafka's ACLs on transactional ids and groups (the README's "Exactly-once streams" ACLs).
 */
class ExactlyOnceAclTest extends PassThroughFixture {

  private static final String STATE_TOPIC = "tributary-exactly-once";

  @BeforeAll
  void grant() {
    broker.createTopic(STATE_TOPIC, 1); // the proxy's own account may not create topics here
    for (String user : List.of("alice", "bob")) {
      broker.allowPrefixed(user, ResourceType.TRANSACTIONAL_ID, "tributary." + user + ".", AclOperation.WRITE);
      broker.allowPrefixed(user, ResourceType.GROUP, "tributary." + user + ".", AclOperation.READ);
      broker.allow(user, AclOperation.READ, STATE_TOPIC);
    }
  }

  private Http.Reply post(String authorization, String producerId, String sequence, String... values) {
    StringBuilder body = new StringBuilder();
    for (String value : values) {
      body.append(String.format(RECORD, value));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(plain.uri(path("orders")))
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .header("Tributary-Producer-Id", producerId)
            .header("Tributary-Sequence", sequence)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    return Http.send(request);
  }

  private static String committed(Http.Reply reply) {
    return reply.raw().headers().firstValue("Tributary-Committed-Sequence").orElse(null);
  }

  @Test
  void aPrincipalWithTheDocumentedAclsStreamsExactlyOnce() {
    String id = "orders-" + UUID.randomUUID();
    Http.Reply first = post(basic("alice", "alice-secret"), id, "0", "a0", "a1");
    assertEquals(200, first.status(), first.body());
    assertEquals("-1", committed(first));
    assertEquals(2, first.lines().size());
    first.lines().forEach(line -> assertTrue(line.startsWith("{\"error_code\":200,"), line));
    Http.Reply again = post(basic("alice", "alice-secret"), id, "0", "a0", "a1", "a2");
    assertEquals("1", committed(again));
    assertTrue(again.lines().get(0).endsWith(",\"sequence\":0,\"duplicate\":true}"), again.body());
    assertTrue(again.lines().get(2).endsWith(",\"sequence\":2}"), again.body());
  }

  /**
   * Bob's stream with the id alice is streaming with is bob's own: it neither takes hers over nor reads
   * her committed sequence, and her stream goes on.
   */
  @Test
  void anotherPrincipalCannotTakeOverOrReadAnId() throws Exception {
    String id = "shared-" + UUID.randomUUID();
    assertEquals(200, post(basic("alice", "alice-secret"), id, "0", "x0", "x1", "x2").status());
    try (StreamingClient alice =
        StreamingClient.open(
            "127.0.0.1",
            plain.port(),
            path("orders"),
            Map.of(
                "Authorization", basic("alice", "alice-secret"),
                "Tributary-Producer-Id", id,
                "Tributary-Sequence", "3"))) {
      alice.send(String.format(RECORD, "x3"));
      String report = alice.readReport(); // committed: alice's stream holds the id now
      assertTrue(report.endsWith(",\"sequence\":3}"), report);
      assertEquals("2", alice.headers().get("tributary-committed-sequence"));

      Http.Reply bob = post(basic("bob", "bob-secret"), id, "0", "y0");
      assertEquals(200, bob.status(), bob.body());
      assertEquals("-1", committed(bob));
      assertTrue(bob.lines().get(0).endsWith(",\"sequence\":0}"), bob.body());

      alice.send(String.format(RECORD, "x4"));
      alice.end();
      List<String> rest = alice.readAll();
      assertEquals(1, rest.size(), rest.toString());
      assertTrue(rest.get(0).startsWith("{\"error_code\":200,") && rest.get(0).endsWith(",\"sequence\":4}"), rest.get(0));
    }
  }

  /** A principal without WRITE on its transactional ids is refused as a whole, in Kafka's words. */
  @Test
  void aPrincipalWithoutTheAclsIsRefusedAsAWhole() {
    Http.Reply reply = post(basic("p000", "pw-p000"), "any-" + UUID.randomUUID(), "0", "z0");
    assertEquals(403, reply.status(), reply.body());
    assertEquals("{\"error_code\":40301,\"message\":\"Transactional Id authorization failed.\"}", reply.body());
  }
}

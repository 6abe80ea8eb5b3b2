package dev.tributary.clusters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.TributaryServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cluster discovery in the reference's v3 shape. */
class ClustersResourceTest {

  private final Environment env = Environment.get();

  @Test
  void listsTheOneClusterThisProxyServes() {
    String id = env.broker().clusterId();
    String base = "http://127.0.0.1:" + env.server().port();
    for (String root : new String[] {"/kafka/v3", "/v3"}) {
      Http.Reply reply = Http.get(env.server().uri(root + "/clusters"));
      assertEquals(200, reply.status());
      assertEquals("application/json", reply.contentType());
      assertEquals(
          "{\"kind\":\"KafkaClusterList\",\"metadata\":{\"self\":\"" + base + root + "/clusters\",\"next\":null},"
              + "\"data\":[{\"kind\":\"KafkaCluster\",\"metadata\":{\"self\":\"" + base + root + "/clusters/" + id
              + "\",\"resource_name\":\"crn:///kafka=" + id + "\"},\"cluster_id\":\"" + id + "\"}]}",
          reply.body());
    }
  }

  @Test
  void describesTheClusterById() {
    String id = env.broker().clusterId();
    Http.Reply reply = Http.get(env.server().uri("/kafka/v3/clusters/" + id));
    assertEquals(200, reply.status());
    assertEquals(
        "{\"kind\":\"KafkaCluster\",\"metadata\":{\"self\":\"http://127.0.0.1:" + env.server().port()
            + "/kafka/v3/clusters/" + id + "\",\"resource_name\":\"crn:///kafka=" + id + "\"},\"cluster_id\":\"" + id + "\"}",
        reply.body());
  }

  /** The body of a raw {@code GET path} with {@code headers} (java.net.http will not send a Host of ours). */
  private static String get(TributaryServer server, String path, String... headers) throws Exception {
    String reply =
        Http.raw(server.port(), "GET " + path + " HTTP/1.1\r\n" + String.join("", headers) + "Connection: close\r\n\r\n");
    assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
    return reply.substring(reply.indexOf("\r\n\r\n") + 4);
  }

  private String listWithSelf(String self) {
    String id = env.broker().clusterId();
    return "{\"kind\":\"KafkaClusterList\",\"metadata\":{\"self\":\"" + self + "\",\"next\":null},"
        + "\"data\":[{\"kind\":\"KafkaCluster\",\"metadata\":{\"self\":\"" + self + "/" + id
        + "\",\"resource_name\":\"crn:///kafka=" + id + "\"},\"cluster_id\":\"" + id + "\"}]}";
  }

  /**
   * Whatever Host a client sends, and whatever forwarding headers, if the server was not told to trust
   * them: the links name the address the request reached.
   */
  @Test
  void selfLinksNeverEchoTheHostHeaderOrUntrustedForwardingHeaders() throws Exception {
    String reached = "http://127.0.0.1:" + env.server().port() + "/v3/clusters";
    assertEquals(listWithSelf(reached), get(env.server(), "/v3/clusters", "Host: evil.example:666\r\n"));
    assertEquals(
        listWithSelf(reached),
        get(
            env.server(),
            "/v3/clusters",
            "Host: evil.example\r\n",
            "X-Forwarded-Host: evil.example:666\r\n",
            "X-Forwarded-Proto: https\r\n",
            "Forwarded: proto=https;host=evil.example\r\n"));
  }

  /** Behind a proxy the operator told the server to trust, the links name what the client reached. */
  @Test
  void selfLinksFollowForwardingHeadersWhereTheServerTrustsThem() throws Exception {
    try (TributaryServer proxied =
        TributaryServer.startBehindAProxy(Map.of("bootstrap.servers", env.broker().bootstrapServers()))) {
      assertEquals(
          listWithSelf("https://kafka.example.com/v3/clusters"),
          get(proxied, "/v3/clusters", "Host: 10.0.0.7:8080\r\n", "X-Forwarded-Host: kafka.example.com\r\n",
              "X-Forwarded-Proto: https\r\n"));
      assertEquals(
          listWithSelf("https://kafka.example.com:8443/kafka/v3/clusters"),
          get(proxied, "/kafka/v3/clusters", "Host: 10.0.0.7:8080\r\n",
              "Forwarded: for=192.0.2.60;proto=https;host=\"kafka.example.com:8443\"\r\n"));
      assertEquals(
          listWithSelf("http://kafka.example.com:8082/v3/clusters"),
          get(proxied, "/v3/clusters", "Host: 10.0.0.7:8080\r\n", "X-Forwarded-Host: kafka.example.com:8082\r\n"));
    }
  }

  /** advertised.listeners, as in Confluent REST Proxy, wins over anything the request says. */
  @Test
  void advertisedListenersNameTheLinks() throws Exception {
    try (TributaryServer advertised =
        TributaryServer.start(
            0,
            Map.of(
                "bootstrap.servers", env.broker().bootstrapServers(),
                "advertised.listeners", "https://kafka-rest.example.com, http://kafka-rest.internal:8082/rest/"))) {
      assertEquals(
          listWithSelf("http://kafka-rest.internal:8082/rest/v3/clusters"),
          get(advertised, "/v3/clusters", "Host: evil.example:666\r\n"));
    }
  }

  @Test
  void anyOtherClusterIdIs404() {
    Http.Reply reply = Http.get(env.server().uri("/v3/clusters/my-cluster"));
    assertEquals(404, reply.status());
    assertEquals("{\"error_code\":404,\"message\":\"Cluster my-cluster cannot be found.\"}", reply.body());
  }
}

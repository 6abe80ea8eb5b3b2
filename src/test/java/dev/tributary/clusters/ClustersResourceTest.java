package dev.tributary.clusters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
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

  @Test
  void anyOtherClusterIdIs404() {
    Http.Reply reply = Http.get(env.server().uri("/v3/clusters/my-cluster"));
    assertEquals(404, reply.status());
    assertEquals("{\"error_code\":404,\"message\":\"Cluster my-cluster cannot be found.\"}", reply.body());
  }
}

package dev.tributary.produce;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Errors that fail a request as a whole, before any record: the status and the API document's body. */
class RequestErrorsTest extends ProduceRecordsFixture {

  // ---- whole-request errors ----

  @Test
  void emptyBodyIs422() {
    String topic = env.newTopic(1);
    for (String body : List.of("", " \r\n\t ")) {
      Http.Reply reply = Http.post(uri(topic), body);
      assertEquals(422, reply.status());
      assertEquals("{\"error_code\":422,\"message\":\"Payload error. Request body is empty. Data is required.\"}", reply.body());
    }
  }

  @Test
  void unknownTopicIs404WithinASecond() {
    long start = System.nanoTime();
    Http.Reply reply = Http.post(uri("no-such-topic"), "{}");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(404, reply.status());
    assertEquals("{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}", reply.body());
    assertTrue(millis < 1000, "took " + millis + " ms");
  }

  @Test
  void unknownClusterIs404() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        Http.post(env.server().uri("/kafka/v3/clusters/my-cluster/topics/" + topic + "/records"), "{}");
    assertEquals(404, reply.status());
    assertEquals("{\"error_code\":404,\"message\":\"Cluster my-cluster cannot be found.\"}", reply.body());
    assertEquals(0, env.consume(topic, 0).size());
  }

  @Test
  void unknownPathIs404() {
    Http.Reply reply = Http.post(env.server().uri("/kafka/v3/nothing/here"), "{}");
    assertEquals(404, reply.status());
    assertEquals("application/json", reply.contentType());
    assertEquals("{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", reply.body());
  }

  @Test
  void otherMethodsAre405() {
    Http.Reply reply = Http.get(uri(env.newTopic(1)));
    assertEquals(405, reply.status());
    assertEquals("{\"error_code\":405,\"message\":\"HTTP 405 Method Not Allowed\"}", reply.body());
    assertEquals("POST,OPTIONS", reply.raw().headers().firstValue("Allow").orElse(""));
  }

  @Test
  void otherContentTypesAre415() {
    Http.Reply reply = Http.post(uri(env.newTopic(1)), "text/plain", "{}".getBytes(UTF_8));
    assertEquals(415, reply.status());
    assertEquals("{\"error_code\":415,\"message\":\"HTTP 415 Unsupported Media Type\"}", reply.body());
  }
}

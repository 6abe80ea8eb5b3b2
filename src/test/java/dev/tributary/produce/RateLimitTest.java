package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.TributaryServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-record produce rate limits (spec section 6) in a deployment that turns them on. */
class RateLimitTest {

  private final Environment env = Environment.get();

  private List<String> produce(Map<String, String> limits, String topic, String body) throws Exception {
    Map<String, String> params = new java.util.HashMap<>(limits);
    params.put("api.v3.produce.rate.limit.enabled", "true");
    try (TributaryServer server = Environment.startServer(env.broker(), params)) {
      Http.Reply reply = Http.post(server.uri(env.recordsPath(topic)), body);
      assertEquals(200, reply.status());
      return reply.lines();
    }
  }

  @Test
  void aSecondRecordWithinASecondOfALimitOfOneGets429AndIsNotProduced() throws Exception {
    String topic = env.newTopic(1);
    List<String> reports =
        produce(
            Map.of("api.v3.produce.rate.limit.max.requests.per.sec", "1"),
            topic,
            "{\"value\":{\"type\":\"STRING\",\"data\":\"first\"}}{\"value\":{\"type\":\"STRING\",\"data\":\"second\"}}");
    assertEquals(2, reports.size());
    assertTrue(reports.get(0).startsWith("{\"error_code\":200,"), reports.get(0));
    assertEquals(
        "{\"error_code\":429,\"message\":\"Request rate limit exceeded: more than 1 records per second for this cluster.\"}",
        reports.get(1));
    var records = env.consume(topic, 1);
    assertEquals(1, records.size());
    assertEquals("first", new String(records.get(0).value(), StandardCharsets.UTF_8));
  }

  @Test
  void recordBytesOverTheProxysLimitGet429() throws Exception {
    String topic = env.newTopic(1);
    List<String> reports =
        produce(
            Map.of("api.v3.produce.rate.limit.max.bytes.global.per.sec", "10"),
            topic,
            "{\"value\":{\"type\":\"STRING\",\"data\":\"12345678\"}}{\"value\":{\"type\":\"STRING\",\"data\":\"12345678\"}}");
    assertTrue(reports.get(0).startsWith("{\"error_code\":200,"), reports.get(0));
    assertEquals(
        "{\"error_code\":429,\"message\":\"Request rate limit exceeded: more than 10 record bytes per second for this proxy.\"}",
        reports.get(1));
    assertEquals(1, env.consume(topic, 1).size());
  }
}

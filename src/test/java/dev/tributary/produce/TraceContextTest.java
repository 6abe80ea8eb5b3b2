package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tributary.produce.record.TraceContext;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import dev.tributary.testing.ProducerSpans;
import dev.tributary.testing.StreamingClient;
import dev.tributary.testing.TributaryServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A request's W3C trace context reaches each of its records' Kafka headers (streamed and batched),
 * unless the record carries its own, the context is one W3C says to ignore, or it is switched off.
 */
class TraceContextTest extends ProduceRecordsFixture {

  private static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final String STATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

  private static Http.Reply post(URI uri, String body, String... headers) {
    return Http.postWith(uri, body, headers);
  }

  /** Each record's headers, as "name=value" in order. */
  private static List<List<String>> headers(List<ConsumerRecord<byte[], byte[]>> records) {
    List<List<String>> all = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      List<String> one = new ArrayList<>();
      for (Header header : record.headers()) {
        one.add(header.key() + "=" + (header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8)));
      }
      all.add(one);
    }
    return all;
  }

  private static String own(String name, String value) {
    return "{\"headers\":[{\"name\":\"" + name + "\",\"value\":\""
        + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "\"}],\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}";
  }

  @Test
  void eachRecordCarriesTheRequestsContextUnlessItSetsItsOwn() {
    String topic = env.newTopic(1);
    String plain = "{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}";
    Http.Reply reply =
        post(uri(topic), plain + own("traceparent", "mine") + own("tracestate", "mine") + own("other", "o"),
            "traceparent", PARENT, "tracestate", STATE);
    assertEquals(200, reply.status(), reply.body());
    assertEquals(
        List.of(
            List.of("traceparent=" + PARENT, "tracestate=" + STATE),
            List.of("traceparent=mine"),
            List.of("tracestate=mine"),
            List.of("other=o", "traceparent=" + PARENT, "tracestate=" + STATE)),
        headers(env.consume(topic, 4)));
  }

  @Test
  void aBatchsEntriesCarryItToo() {
    String topic = env.newTopic(1);
    Http.Reply reply =
        post(
            env.server().uri(env.recordsPath(topic) + ":batch"),
            "{\"entries\":[{\"id\":\"a\",\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}]}",
            "traceparent", PARENT);
    assertEquals(207, reply.status(), reply.body());
    assertEquals(List.of(List.of("traceparent=" + PARENT)), headers(env.consume(topic, 1)));
  }

  @Test
  void aContextW3cSaysToIgnoreIsNotCopied() {
    String topic = env.newTopic(1);
    String plain = "{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}";
    for (String parent :
        List.of(
            "garbage",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")) {
      assertEquals(200, post(uri(topic), plain, "traceparent", parent, "tracestate", STATE).status());
    }
    assertEquals(List.of(List.of(), List.of(), List.of(), List.of(), List.of()), headers(env.consume(topic, 5)));
  }

  @Test
  void itCanBeSwitchedOff() throws Exception {
    String topic = env.newTopic(1);
    try (TributaryServer off = Environment.startServer(env.broker(), Map.of("api.v3.produce.trace.headers", "false"))) {
      Http.Reply reply =
          post(off.uri(env.recordsPath(topic)), "{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}", "traceparent", PARENT);
      assertEquals(200, reply.status(), reply.body());
    }
    assertEquals(List.of(List.of()), headers(env.consume(topic, 1)));
  }

  /**
   * With the OpenTelemetry agent, a request's span is current only while the container hands it to the
   * application; its records are sent later, from the container's read callbacks, a backlog's timer or
   * an exactly-once session's thread. Each is sent in its request's span all the same (so the agent's
   * producer span is its child), a request in no span leaks none, and the agent's writing of its own
   * {@code traceparent} (as this test's interceptor does it) replaces the copied one but never the
   * record's own.
   */
  @Test
  void eachRecordIsSentInItsRequestsSpanOnWhicheverThreadSendsIt() throws Exception {
    String topic = env.newTopic(1);
    Map<String, String> params =
        Map.of("bootstrap.servers", env.broker().bootstrapServers(),
            "producer.interceptor.classes", ProducerSpans.class.getName());
    String stream = "a1a1a1a1a1a1a1a1";
    String batch = "b2b2b2b2b2b2b2b2";
    String exactlyOnce = "c3c3c3c3c3c3c3c3";
    try (TributaryServer spans = TributaryServer.startInSpans(params)) {
      String path = env.recordsPath(topic);
      try (StreamingClient client =
          StreamingClient.open(
              "127.0.0.1", spans.port(), path, Map.of("X-Test-Span", stream, "traceparent", PARENT, "tracestate", STATE))) {
        client.send(record("s0"));
        client.readReport();
        client.send(own("traceparent", "mine").replace("\"x\"", "\"s1\""));
        client.readReport(); // read by a callback, after the request was handed over
        client.send(record("s2"));
        client.end();
        assertEquals(1, client.readAll().size());
      }
      assertEquals(
          207,
          post(spans.uri(path + ":batch"), "{\"entries\":[{\"id\":\"a\"," + record("b0").substring(1) + "]}",
                  "X-Test-Span", batch)
              .status());
      assertEquals(
          200,
          post(spans.uri(path), record("e0") + record("e1"), "X-Test-Span", exactlyOnce, "Tributary-Producer-Id", "spans")
              .status());
      assertEquals(200, post(spans.uri(path), record("n0")).status());
    }
    Map<String, String> current = new java.util.LinkedHashMap<>();
    for (String value : List.of("s0", "s1", "s2", "b0", "e0", "e1", "n0")) {
      current.put(value, ProducerSpans.currentAtSend(value));
    }
    assertEquals(
        Map.of("s0", stream, "s1", stream, "s2", stream, "b0", batch, "e0", exactlyOnce, "e1", exactlyOnce, "n0", "none"),
        current);
    String written = "traceparent=" + ProducerSpans.traceparent(stream);
    assertEquals(
        List.of(
            List.of("tracestate=" + STATE, written),
            List.of("traceparent=mine"),
            List.of("tracestate=" + STATE, written),
            List.of("traceparent=" + ProducerSpans.traceparent(batch)),
            List.of("traceparent=" + ProducerSpans.traceparent(exactlyOnce)),
            List.of("traceparent=" + ProducerSpans.traceparent(exactlyOnce)),
            List.of()),
        headers(env.consume(topic, 7)));
  }

  private static String record(String value) {
    return "{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
  }

  @Test
  void parsing() {
    TraceContext context = TraceContext.of(" " + PARENT + " ", STATE);
    assertEquals(PARENT, new String(context.traceparent(), StandardCharsets.US_ASCII));
    assertEquals(STATE, new String(context.tracestate(), StandardCharsets.US_ASCII));
    assertNull(TraceContext.of(PARENT, " ").tracestate());
    assertNull(TraceContext.of(null, STATE));
    // A later version may add fields; they are kept as sent.
    assertEquals(PARENT + "-later", new String(TraceContext.of(PARENT + "-later", null).traceparent(), StandardCharsets.US_ASCII));
  }
}

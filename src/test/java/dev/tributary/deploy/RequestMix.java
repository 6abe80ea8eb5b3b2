package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testing.Environment;
import dev.tributary.testing.StreamingClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seeded random mix of produce requests against one deployed server, the way a crowd of users sends
 * them: record counts and sizes, framing (a Content-Length, chunks whole or cut anywhere, trickled),
 * keep-alive and close, records that fail in band, bodies that end in a syntax error, whole-request
 * errors, clients that vanish mid-stream. Each request's reports are checked code by code; after each
 * request a fresh chunked request must be answered within {@link #PROBE_MS}. At the end the topic holds
 * exactly the records that got a 200.
 */
final class RequestMix {

  /** How long the mix runs, in seconds ({@code -Dmix.seconds}). */
  static final int SECONDS = Integer.getInteger("mix.seconds", 30);

  /** How long the fresh request after each one may wait for its answer (ms). */
  static final int PROBE_MS = 5_000;

  private static final Pattern CODE = Pattern.compile("^\\{\"error_code\":(\\d+),");
  private static final String INVALID = "{\"value\":{\"type\":\"BINARY\",\"data\":1}}";
  private static final String SYNTAX_ERROR = "{\"value\": nope}";

  /** What a run did: its seed, requests, and records stored. */
  record Summary(long seed, int requests, int disconnects, long stored) {
    @Override
    public String toString() {
      return requests + " requests (" + disconnects + " vanished mid-stream), " + stored
          + " records stored, seed " + seed + " (-Dmix.seed=" + seed + " replays it)";
    }
  }

  private final Environment env;
  private final AppServer server;
  private final UnaryOperator<String> recordsPath;
  private final long seed = Long.getLong("mix.seed", System.nanoTime());
  private final Random random = new Random(seed);

  RequestMix(Environment env, AppServer server, UnaryOperator<String> recordsPath) {
    this.env = env;
    this.server = server;
    this.recordsPath = recordsPath;
  }

  Summary run() throws Exception {
    String topic = env.newTopic(1);
    String vanished = env.newTopic(1); // what clients that vanish leave is uncounted
    String probes = env.newTopic(1);
    long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
    long stored = 0;
    int requests = 0;
    int disconnects = 0;
    Connection connection = new Connection(server.port(), 30_000);
    try {
      while (System.nanoTime() < deadline) {
        requests++;
        if (requests % 15 == 0) {
          connection.close(); // the next from another address: per-address limits stay out of the mix
        }
        String what;
        int kind = random.nextInt(100);
        if (kind < 10) {
          disconnects++;
          what = vanish(vanished);
        } else {
          Round round = round(kind);
          Connection.Shape shape =
              new Connection.Shape(random.nextInt(3) > 0, random.nextInt(4) == 0, random.nextInt(6) == 0, random.nextInt(8) == 0);
          List<String> pieces = pieces(round.body(), shape);
          what = "request " + requests + " (" + round.what() + ", " + shape + ", " + pieces.size() + " pieces), seed " + seed;
          RawHttp.Response response;
          try {
            response = connection.post(server.path(recordsPath.apply(round.topic() ? topic : "no-such-topic")), pieces, shape);
          } catch (SocketTimeoutException e) {
            throw new AssertionError(what + " got no answer within 30 s", e);
          }
          assertEquals(round.status(), response.status(), what + ": " + response.body());
          if (round.status() == 200) {
            assertEquals(round.codes(), codes(response.body(), topic), what);
            stored += round.codes().stream().filter(code -> code == 200).count();
          } else {
            assertEquals(round.wholeError(), response.body(), what);
          }
          if (round.codes().contains(400) && round.body().endsWith(SYNTAX_ERROR + record(0, 0))) {
            connection.close(); // the rest of that body was thrown away: a new connection, as a client would
          }
        }
        probe(probes, what);
      }
    } finally {
      connection.close();
    }
    assertEquals(stored, env.broker().endOffset(topic), "records stored, seed " + seed);
    return new Summary(seed, requests, disconnects, stored);
  }

  /** One request's body and what it must get. */
  private record Round(String what, String body, boolean topic, int status, List<Integer> codes, String wholeError) {}

  private Round round(int kind) {
    if (kind < 14) {
      return random.nextBoolean()
          ? new Round("an empty body", random.nextBoolean() ? "" : " \n", true, 422, List.of(),
              "{\"error_code\":422,\"message\":\"Payload error. Request body is empty. Data is required.\"}")
          : new Round("an unknown topic", record(0, 10), false, 404, List.of(),
              "{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}");
    }
    int count = 1 + random.nextInt(random.nextInt(10) == 0 ? 2000 : 50);
    StringBuilder body = new StringBuilder();
    List<Integer> codes = new ArrayList<>();
    boolean inBandErrors = kind < 35;
    boolean large = kind >= 35 && kind < 40;
    boolean afterRecord = false; // a scalar is glued only to records (1 after 1 would make one number)
    for (int i = 0; i < count; i++) {
      int what = random.nextInt(20);
      boolean glue = inBandErrors && what == 1 && afterRecord;
      afterRecord = !glue;
      if (inBandErrors && what == 0) {
        body.append(INVALID);
        codes.add(400);
      } else if (glue) {
        body.append(random.nextBoolean() ? "1" : "true"); // glued to the records on both sides
        codes.add(400);
      } else {
        body.append(record(i, large && i == 0 ? 1_000_000 : random.nextInt(random.nextInt(8) == 0 ? 20_000 : 200)));
        codes.add(200);
      }
      if (!glue && random.nextInt(3) == 0) {
        body.append('\n');
      }
    }
    String what = count + " records" + (inBandErrors ? ", some invalid" : "") + (large ? ", one of 1 MB" : "");
    if (kind >= 40 && kind < 50) {
      body.append(SYNTAX_ERROR).append(record(0, 0)); // the stream ends at the error: no report after it
      codes.add(400);
      what += ", then a syntax error";
    }
    return new Round(what, body.toString(), true, 200, codes, null);
  }

  private static String record(int i, int size) {
    return "{\"value\":{\"type\":\"STRING\",\"data\":\"m" + i + "-" + "x".repeat(size) + "\"}}";
  }

  /** The body cut into pieces (chunks, or the writes of a trickled Content-Length body): whole, at random points, or a few. */
  private List<String> pieces(String body, Connection.Shape shape) {
    int cuts = shape.trickled() ? random.nextInt(8) : random.nextInt(3) == 0 ? random.nextInt(40) : 0;
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < cuts && body.length() > 1; i++) {
      at.add(1 + random.nextInt(body.length() - 1));
    }
    at.add(body.length());
    at.sort(null);
    List<String> pieces = new ArrayList<>();
    int from = 0;
    for (int to : at) {
      if (to > from) {
        pieces.add(body.substring(from, to));
        from = to;
      }
    }
    return pieces.isEmpty() ? List.of("") : pieces;
  }

  /** A client that sends part of a stream, then drops the connection without a word. */
  private String vanish(String topic) throws IOException {
    try (StreamingClient client = StreamingClient.open(ClientAddresses.next(), server.port(), server.path(recordsPath.apply(topic)))) {
      int count = random.nextInt(30);
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < count; i++) {
        body.append(record(i, random.nextInt(100)));
      }
      client.send(body + "{\"value\":{\"type\":\"STR");
      if (random.nextBoolean() && count > 0) {
        client.readReport(); // a client that read its first report
      }
      client.abort();
    }
    return "a client that vanished mid-stream, seed " + seed;
  }

  /** A fresh chunked request must be answered at once after {@code after}. */
  private void probe(String topic, String after) throws Exception {
    try (Connection fresh = new Connection(server.port(), PROBE_MS)) {
      RawHttp.Response response =
          fresh.post(server.path(recordsPath.apply(topic)), List.of(record(0, 1)), new Connection.Shape(true, false, false, false));
      assertEquals(200, response.status(), "the request after " + after + ": " + response.body());
      assertEquals(List.of(200), codes(response.body(), topic), "the request after " + after);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("a fresh chunked request got no answer within " + PROBE_MS + " ms after " + after, e);
    }
  }

  /** The code of each report; a success must name {@code topic}. */
  private List<Integer> codes(String body, String topic) {
    List<Integer> codes = new ArrayList<>();
    for (String line : body.split("\r\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = CODE.matcher(line);
      if (!m.find()) {
        throw new AssertionError("not a report: " + line);
      }
      int code = Integer.parseInt(m.group(1));
      if (code == 200 && !line.contains("\"topic_name\":\"" + topic + "\"")) {
        throw new AssertionError("a success for another topic: " + line);
      }
      codes.add(code);
    }
    return codes;
  }
}

package dev.tributary.produce;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A generated corpus of several hundred hostile and odd bodies, each sent alone and again after a valid
 * record. For every body: no HTTP 5xx, no in-band 5xx, no parser or Java name in any message, exactly one
 * report per top-level JSON value (and one more, last, for a body that breaks off), and the server
 * still serving.
 *
 * <p>Each case says what its body is: a sequence of whole JSON values (the test counts them with a
 * parser), or a number of whole values followed by something that ends the stream (a syntax error,
 * bytes that are not UTF-8, a limit).
 */
class HostileCorpusTest {

  private static final Environment env = Environment.get();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static String topic;

  private static final String OK = "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}";

  /** A record using every field, with text outside ASCII: its truncations are a case each. */
  private static final String RICH =
      "{\"partition_id\":1,\"timestamp\":\"2021-02-05T19:14:42Z\",\"key\":{\"type\":\"STRING\",\"data\":\"k-é\"},"
          + "\"value\":{\"type\":\"JSON\",\"data\":{\"a\":[1,2.5e3,\"x\\u0041😀\",true,null],\"b\":{\"c\":-0.0}}},"
          + "\"headers\":[{\"name\":\"h1\",\"value\":\"AQID\"},{\"name\":\"h2\",\"value\":null}]}";

  /** Names that belong to the implementation, not to the client's input. */
  private static final Pattern INTERNAL =
      Pattern.compile(
          "com\\.fasterxml|[Jj]ackson|dev\\.tributary|java\\.|jakarta\\.|org\\.apache|Exception|Feature"
              + "|Constraints|getMax|TokenBuffer|`|\\[Source|\\b[A-Z]+_[A-Z_]+\\b");

  /**
   * @param values whole top-level JSON values at the start of the body
   * @param broken whether something after them ends the stream
   */
  record Case(String name, byte[] body, int values, boolean broken) {}

  @BeforeAll
  static void createTopic() {
    topic = env.newTopic(2);
  }

  @AfterAll
  static void theServerStillServes() {
    Http.Reply reply = Http.post(uri(), OK + OK);
    assertEquals(200, reply.status());
    assertEquals(2, reply.lines().stream().filter(r -> r.startsWith("{\"error_code\":200,")).count());
  }

  @TestFactory
  Stream<DynamicTest> eachBodyAlone() {
    return corpus().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> alone(c)));
  }

  @TestFactory
  Stream<DynamicTest> eachBodyAfterAValidRecord() {
    return corpus().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> afterAValidRecord(c)));
  }

  @Test
  void theCorpusHasSeveralHundredBodies() {
    assertTrue(corpus().size() >= 300, "cases: " + corpus().size());
  }

  @Test
  void brokenChunkedFramingBeforeTheFirstRecordIsAnHttp400() throws Exception {
    for (String broken : List.of("zz\r\n{}\r\n", "-1\r\n{}\r\n", "fffffffffffffffffff\r\n{}\r\n", "1\r\n{XX", "2\n{}\n")) {
      String response =
          Http.raw(env.server().port(),
              "POST " + env.recordsPath(topic) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n" + broken);
      assertTrue(response.startsWith("HTTP/1.1 400 "), broken + ": " + response);
      assertTrue(
          response.contains(
              "{\"error_code\":400,\"message\":\"Bad Request: Error processing message: The request body could not be"
                  + " read: its framing is broken or it ended early.\"}"),
          broken + ": " + response);
    }
  }

  /** RFC 8259 lets a parser ignore a byte order mark before a JSON text; inside the stream it is not JSON. */
  @Test
  void aByteOrderMarkIsIgnoredBeforeTheFirstRecordOnly() throws Exception {
    Http.Reply atStart = Http.post(uri(), "application/json", ("\ufeff" + OK).getBytes(UTF_8));
    assertEquals(200, atStart.status(), atStart.body());
    assertEquals(1, atStart.lines().size(), atStart.body());
    assertTrue(atStart.lines().get(0).startsWith("{\"error_code\":200,"), atStart.body());
    Http.Reply inside = Http.post(uri(), "application/json", (OK + "\n\ufeff" + OK).getBytes(UTF_8));
    assertEquals(200, inside.status(), inside.body());
    assertEquals(2, inside.lines().size(), inside.body());
    assertTrue(inside.lines().get(0).startsWith("{\"error_code\":200,"), inside.body());
    assertTrue(
        inside.lines().get(1).startsWith("{\"error_code\":400,\"message\":\"Bad Request: Error processing message: "),
        inside.body());
  }

  // ---- the checks ----

  private static void alone(Case c) throws IOException {
    Http.Reply reply = Http.post(uri(), "application/json", c.body());
    if (c.values() == 0) {
      // No whole record: the request fails as a whole, with one error body.
      int expected = c.broken() ? -1 : 422;
      assertTrue(reply.status() >= 400 && reply.status() < 500, reply.status() + " " + reply.body());
      if (expected != -1) {
        assertEquals(expected, reply.status(), reply.body());
      }
      JsonNode error = MAPPER.readTree(reply.body());
      assertEquals(reply.status(), error.get("error_code").asInt(), reply.body());
      assertInUserWords(error.get("message").asText());
      return;
    }
    assertEquals(200, reply.status(), reply.body());
    assertReports(c, reply.lines(), 0);
  }

  private static void afterAValidRecord(Case c) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes((OK + "\n").getBytes(UTF_8));
    body.writeBytes(c.body());
    if (!c.broken()) {
      body.writeBytes(("\n" + OK).getBytes(UTF_8)); // the stream goes on after the case
    }
    Http.Reply reply = Http.post(uri(), "application/json", body.toByteArray());
    assertEquals(200, reply.status(), reply.body());
    List<String> reports = reply.lines();
    assertTrue(reports.get(0).startsWith("{\"error_code\":200,"), reports.get(0));
    if (c.broken()) {
      assertReports(c, reports.subList(1, reports.size()), 0);
    } else {
      assertReports(c, reports.subList(1, reports.size()), 1);
      assertTrue(reports.get(reports.size() - 1).startsWith("{\"error_code\":200,"), "the record after the case");
    }
  }

  /** One report per value, then one error if the body breaks off, then {@code after} more. */
  private static void assertReports(Case c, List<String> reports, int after) throws IOException {
    assertEquals(c.values() + (c.broken() ? 1 : 0) + after, reports.size(), String.join("\n", reports));
    for (int i = 0; i < reports.size(); i++) {
      JsonNode report = MAPPER.readTree(reports.get(i));
      int code = report.get("error_code").asInt();
      assertTrue(code == 200 || (code >= 400 && code < 500) || (code >= 40000 && code < 50000), reports.get(i));
      if (code != 200) {
        assertInUserWords(report.get("message").asText());
      }
      if (c.broken() && i == c.values()) {
        assertTrue(code != 200, "the body broke off here: " + reports.get(i));
      }
    }
  }

  private static void assertInUserWords(String message) {
    if (INTERNAL.matcher(message).find()) {
      fail("An implementation name in: " + message);
    }
  }

  // ---- the corpus ----

  private static List<Case> corpus;

  static synchronized List<Case> corpus() {
    if (corpus == null) {
      List<Case> cases = new ArrayList<>();
      truncations(cases);
      nesting(cases);
      numbers(cases);
      encodings(cases);
      types(cases);
      duplicates(cases);
      shapes(cases);
      huge(cases);
      nonStandard(cases);
      corpus = List.copyOf(cases);
    }
    return corpus;
  }

  /** RICH cut at every byte: a record that breaks off (the empty cut is an empty body). */
  private static void truncations(List<Case> cases) {
    byte[] rich = RICH.getBytes(UTF_8);
    for (int at = 0; at < rich.length; at++) {
      byte[] cut = java.util.Arrays.copyOf(rich, at);
      cases.add(new Case("truncated at byte " + at, cut, 0, at > 0));
    }
    valid(cases, "the whole record", RICH);
  }

  private static void nesting(List<Case> cases) {
    for (int depth : new int[] {10, 500, 997}) { // with the record's own two levels, up to 999
      valid(cases, "arrays " + depth + " deep", "{\"value\":{\"data\":" + "[".repeat(depth) + "]".repeat(depth) + "}}");
      valid(cases, "objects " + depth + " deep", "{\"value\":{\"data\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}}");
    }
    for (int depth : new int[] {999, 2000, 100_000}) {
      broken(cases, "arrays " + depth + " deep", 0, "{\"value\":{\"data\":" + "[".repeat(depth) + "]".repeat(depth) + "}}");
      broken(cases, "objects " + depth + " deep", 0, "{\"value\":{\"data\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}}");
    }
    broken(cases, "unclosed arrays", 0, "{\"value\":{\"data\":" + "[".repeat(5000));
  }

  private static void numbers(List<Case> cases) {
    for (String number :
        List.of(
            "0", "-0", "-0.0", "1e400", "-1e-400", "1E+2", "2.5e-10", "1" + "0".repeat(999),
            "0." + "0".repeat(990) + "1", "123456789012345678901234567890.123456789", "9223372036854775808")) {
      valid(cases, "number " + abbreviated(number), "{\"value\":{\"data\":" + number + "}}");
      valid(cases, "partition_id " + abbreviated(number), "{\"partition_id\":" + number + ",\"value\":{\"data\":1}}");
    }
    for (String number :
        List.of("NaN", "Infinity", "-Infinity", "+1", ".5", "1.", "01", "-", "1e", "1e+", "0x1F", "1_000", "--1", "1" + "0".repeat(1000))) {
      broken(cases, "not a number " + abbreviated(number), 0, "{\"value\":{\"data\":" + number + "}}");
    }
  }

  private static void encodings(List<Case> cases) {
    int[][] bad = {
      {0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xF0, 0x80, 0x80, 0xAF}, {0x80}, {0xBF}, {0xED, 0xA0, 0x80},
      {0xED, 0xBF, 0xBF}, {0xF5, 0x80, 0x80, 0x80}, {0xFE}, {0xFF}, {0xF8, 0x88, 0x80, 0x80, 0x80}, {0xE2, 0x82},
      {0xF4, 0x90, 0x80, 0x80}, {0xC2}
    };
    for (int[] bytes : bad) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes("{\"value\":{\"type\":\"STRING\",\"data\":\"a".getBytes(UTF_8));
      for (int b : bytes) {
        body.write(b);
      }
      body.writeBytes("b\"}}".getBytes(UTF_8));
      cases.add(new Case("not UTF-8 " + hex(bytes), body.toByteArray(), 0, true));
      ByteArrayOutputStream name = new ByteArrayOutputStream();
      name.writeBytes("{\"headers\":[{\"name\":\"".getBytes(UTF_8));
      for (int b : bytes) {
        name.write(b);
      }
      name.writeBytes("\",\"value\":null}]}".getBytes(UTF_8));
      cases.add(new Case("not UTF-8 in a header name " + hex(bytes), name.toByteArray(), 0, true));
    }
    byte[] endsInside = {'{', '"', 'v', (byte) 0xE2, (byte) 0x82};
    cases.add(new Case("body ends inside a character", endsInside, 0, true));
    byte[] utf16 = "{\"value\":{\"data\":1}}".getBytes(java.nio.charset.StandardCharsets.UTF_16);
    cases.add(new Case("UTF-16", utf16, 0, true));
    broken(cases, "a raw NUL in a string", 0, "{\"value\":{\"type\":\"STRING\",\"data\":\"a\u0000b\"}}");
    broken(cases, "a raw tab in a string", 0, "{\"value\":{\"type\":\"STRING\",\"data\":\"a\tb\"}}");
    broken(cases, "a raw newline in a string", 0, "{\"value\":{\"type\":\"STRING\",\"data\":\"a\nb\"}}");
    for (String text : List.of("\\ud800", "\\udc00", "\\ud800\\ud800", "a\\udbff", "\\udfff\\ud800")) {
      valid(cases, "lone surrogate " + text + " in STRING data", "{\"value\":{\"type\":\"STRING\",\"data\":\"" + text + "\"}}");
      valid(cases, "lone surrogate " + text + " in JSON data", "{\"value\":{\"data\":[\"" + text + "\"]}}");
      // Jackson refuses a lone surrogate in a field name as it reads it: the body cannot be read past it.
      broken(cases, "lone surrogate " + text + " in a JSON field name", 0, "{\"value\":{\"data\":{\"" + text + "\":1}}}");
      valid(cases, "lone surrogate " + text + " in a header name", "{\"headers\":[{\"name\":\"" + text + "\"}]}");
    }
    valid(cases, "escaped NUL", "{\"value\":{\"type\":\"STRING\",\"data\":\"a\\u0000b\"}}");
    valid(cases, "a surrogate pair escaped", "{\"value\":{\"type\":\"STRING\",\"data\":\"\\ud83d\\ude00\"}}");
    valid(cases, "U+FFFF and U+10FFFF", "{\"value\":{\"type\":\"STRING\",\"data\":\"\uffff\udbff\udfff\"}}");
  }

  private static void types(List<Case> cases) {
    List<String> wrong = List.of("1.5", "-1", "\"x\"", "\"\"", "true", "null", "[]", "{}", "[1]", "{\"a\":1}", "99999999999");
    for (String field : List.of("partition_id", "timestamp", "key", "value", "headers")) {
      for (String value : wrong) {
        valid(cases, field + " = " + value, "{\"" + field + "\":" + value + "}");
      }
    }
    for (String part : List.of("key", "value")) {
      for (String field : List.of("type", "data", "schema_id", "subject")) {
        for (String value : List.of("1", "true", "null", "[]", "{}", "\"BINARY\"", "\"avro\"")) {
          valid(cases, part + "." + field + " = " + value, "{\"" + part + "\":{\"" + field + "\":" + value + "}}");
        }
      }
    }
    for (String value : List.of("1", "true", "[]", "{}", "\"\"", "\"!!\"", "\"AQID\"")) {
      valid(cases, "header value " + value, "{\"headers\":[{\"name\":\"h\",\"value\":" + value + "}]}");
      valid(cases, "header name " + value, "{\"headers\":[{\"name\":" + value + "}]}");
    }
    valid(cases, "header as a string", "{\"headers\":[\"h\"]}");
    valid(cases, "headers as an object", "{\"headers\":{\"name\":\"h\"}}");
    valid(cases, "binary data that is not base64", "{\"value\":{\"type\":\"BINARY\",\"data\":\"@@@\"}}");
    valid(cases, "timestamp far in the future", "{\"timestamp\":\"+99999-01-01T00:00:00Z\",\"value\":{\"data\":1}}");
    valid(cases, "timestamp before the epoch", "{\"timestamp\":\"1900-01-01T00:00:00Z\",\"value\":{\"data\":1}}");
    valid(cases, "timestamp with an offset", "{\"timestamp\":\"2021-02-05T19:14:42+25:00\",\"value\":{\"data\":1}}");
    valid(cases, "an unknown field", "{\"records\":[{\"value\":{\"data\":1}}]}");
    valid(cases, "partition beyond the topic", "{\"partition_id\":7,\"value\":{\"data\":1}}");
  }

  private static void duplicates(List<Case> cases) {
    valid(cases, "partition_id twice", "{\"partition_id\":0,\"partition_id\":1}");
    valid(cases, "timestamp twice", "{\"timestamp\":\"2021-02-05T19:14:42Z\",\"timestamp\":\"2021-02-05T19:14:42Z\"}");
    valid(cases, "key twice", "{\"key\":{\"data\":1},\"key\":{\"data\":2}}");
    valid(cases, "value twice", "{\"value\":{\"data\":1},\"value\":{\"data\":2}}");
    valid(cases, "headers twice", "{\"headers\":[],\"headers\":[]}");
    valid(cases, "value.type twice", "{\"value\":{\"type\":\"JSON\",\"type\":\"STRING\",\"data\":\"a\"}}");
    valid(cases, "value.data twice", "{\"value\":{\"type\":\"STRING\",\"data\":\"a\",\"data\":\"b\"}}");
    valid(cases, "key.data twice", "{\"key\":{\"data\":1,\"data\":1}}");
    valid(cases, "header name twice", "{\"headers\":[{\"name\":\"a\",\"name\":\"b\"}]}");
    valid(cases, "header value twice", "{\"headers\":[{\"name\":\"a\",\"value\":null,\"value\":\"AA==\"}]}");
    valid(cases, "a name twice inside JSON data", "{\"value\":{\"data\":{\"a\":1,\"a\":2}}}");
    valid(cases, "the same header twice", "{\"headers\":[{\"name\":\"a\"},{\"name\":\"a\"}],\"value\":{\"data\":1}}");
  }

  private static void shapes(List<Case> cases) {
    for (String body :
        List.of(
            "1", "-1.5", "true", "false", "null", "\"s\"", "[]", "[{}]", "{}", "[1,{\"value\":{\"data\":1}}]",
            "{} {}", "1 2 3", "{}{}{}", "\"a\"\"b\"", "1 {\"value\":{\"data\":1}} []", "[][]", "{\"a\":{}}",
            "\n\n{}\r\n\t{}\n")) {
      valid(cases, "top level " + body.replace("\n", "\\n"), body);
    }
    valid(cases, "only whitespace", " \n\t\r ");
    for (String[] c : new String[][] {{"{},{}", "1"}, {"]", "0"}, {"}", "0"}, {":", "0"}, {"{}]", "1"}, {"{\"a\"}", "0"},
        {"{\"a\":}", "0"}, {"{1:2}", "0"}, {"[", "0"}, {"{", "0"}, {"\"", "0"}, {"{\"value\":{\"data\":1}", "0"}, {"nul", "0"},
        {"truth", "0"}, {"{} x", "1"}}) {
      broken(cases, "top level " + c[0], Integer.parseInt(c[1]), c[0]);
    }
  }

  private static void huge(List<Case> cases) {
    valid(cases, "a 3 MB string (over the producer's request size too)", "{\"value\":{\"type\":\"STRING\",\"data\":\"" + "x".repeat(3 << 20) + "\"}}");
    valid(cases, "a 1.5 MB string (over the topic's max.message.bytes)", "{\"value\":{\"type\":\"STRING\",\"data\":\"" + "x".repeat(3 << 19) + "\"}}");
    valid(cases, "a field name of 49,000 characters", "{\"" + "n".repeat(49_000) + "\":1}");
    broken(cases, "a field name of 50,001 characters", 0, "{\"value\":{\"data\":{\"" + "n".repeat(50_001) + "\":1}}}");
    valid(cases, "10,000 headers", "{\"headers\":[" + "{\"name\":\"h\",\"value\":\"AA==\"},".repeat(9_999) + "{\"name\":\"h\"}],\"value\":{\"data\":1}}");
    valid(cases, "an array of 100,000 numbers", "{\"value\":{\"data\":[" + "1,".repeat(99_999) + "1]}}");
    valid(cases, "a key of 500 KB", "{\"key\":{\"type\":\"STRING\",\"data\":\"" + "k".repeat(500_000) + "\"},\"value\":{\"data\":1}}");
  }

  private static void nonStandard(List<Case> cases) {
    for (String record :
        List.of(
            "{\"value\":{\"data\":1} /* note */}", "{\"value\":{\"data\":1} // note\n}", "{\"value\":{\"data\":1} # note\n}",
            "{'value':{'data':1}}", "{value:{data:1}}", "{\"value\":{\"data\":[1,2,]}}", "{\"value\":{\"data\":1},}",
            "{\"value\":{\"data\":[1,,2]}}", "{\"value\":{\"type\":\"STRING\",\"data\":\"\\q\"}}",
            "{\"value\":{\"type\":\"STRING\",\"data\":\"\\u12\"}}", "{\"value\":{\"data\":TRUE}}", "{\"value\":{\"data\":undefined}}")) {
      broken(cases, "not JSON " + abbreviated(record.replace("\n", "\\n")), 0, record);
    }
  }

  // ---- helpers ----

  /** A body of whole JSON values: each gets one report; the count comes from a parser. */
  private static void valid(List<Case> cases, String name, String body) {
    byte[] bytes = body.getBytes(UTF_8);
    cases.add(new Case(name, bytes, topLevelValues(bytes), false));
  }

  private static void broken(List<Case> cases, String name, int values, String body) {
    cases.add(new Case(name, body.getBytes(UTF_8), values, true));
  }

  private static int topLevelValues(byte[] body) {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(2000).build())
        .build();
    try (JsonParser parser = factory.createParser(body)) {
      int count = 0;
      while (parser.nextToken() != null) {
        parser.skipChildren();
        count++;
      }
      return count;
    } catch (IOException e) {
      throw new IllegalStateException("A case said to be whole JSON values is not: " + e.getMessage(), e);
    }
  }

  private static String abbreviated(String text) {
    return text.length() > 40 ? text.substring(0, 20) + "…(" + text.length() + ")" : text;
  }

  private static String hex(int[] bytes) {
    StringBuilder text = new StringBuilder();
    for (int b : bytes) {
      text.append(text.length() == 0 ? "" : " ").append(String.format("%02X", b));
    }
    return text.toString();
  }

  private static URI uri() {
    return env.server().uri(env.recordsPath(topic));
  }
}

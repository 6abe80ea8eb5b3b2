package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framer hands out each top-level value's exact bytes, however the body is split. */
class RecordFramerTest {

  private static List<String> values(String body, int chunk) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    RecordFramer framer = new RecordFramer(new JsonFactory());
    List<String> values = new ArrayList<>();
    RecordFramer.Sink sink = value -> values.add(new String(value, StandardCharsets.UTF_8));
    for (int i = 0; i < bytes.length; i += chunk) {
      framer.feed(bytes, i, Math.min(chunk, bytes.length - i), sink);
    }
    framer.end(sink);
    return values;
  }

  private static void assertFramed(String body, List<String> expected) throws Exception {
    for (int chunk : new int[] {1, 2, 3, 7, 1000}) {
      assertEquals(expected, values(body, chunk), "fed " + chunk + " bytes at a time");
    }
  }

  @Test
  void objectsAreSplitWhereTheyEndWhateverTheirStringsHold() throws Exception {
    assertFramed(
        "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}  \n{\"k\":\"} { ] \\\" \\\\\"}{\"a\":\"é\",\"b\":[1,{\"c\":[]}]}\r\n",
        List.of(
            "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}",
            "{\"k\":\"} { ] \\\" \\\\\"}",
            "{\"a\":\"é\",\"b\":[1,{\"c\":[]}]}"));
  }

  @Test
  void valuesThatAreNotObjectsAreHandedOutForTheParserToJudge() throws Exception {
    assertFramed("[1,2] 5 \"s\\\"}\"{}nope{} } ,true", List.of("[1,2]", "5", "\"s\\\"}\"", "{}", "nope", "{}", "}", ",", "true"));
  }

  @Test
  void aBodyEndingInsideAValueIsJacksonsSyntaxError() {
    JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> values("{\"a\":1} {\"value\":", 3));
    assertEquals("Unexpected end-of-input: expected close marker for Object", e.getOriginalMessage().replaceAll(" \\(start marker.*", ""));
  }

  @Test
  void theOpenValueIsWhatTheFramerHolds() throws Exception {
    RecordFramer framer = new RecordFramer(new JsonFactory());
    byte[] bytes = "{\"a\":1}{\"b\":".getBytes(StandardCharsets.UTF_8);
    framer.feed(bytes, 0, bytes.length, value -> {});
    assertEquals(5, framer.openRecordBytes());
  }
}

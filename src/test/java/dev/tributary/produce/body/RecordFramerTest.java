package dev.tributary.produce.body;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framer's record sizes are the records' exact byte lengths, however the body is split. */
class RecordFramerTest {

  private static final String BODY =
      "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}  \n{\"partition_id\":-1,\"key\":{\"data\":[1,2]}}{\"a\":\"é\"}\r\n";

  private static List<Long> sizes(int chunk) throws Exception {
    List<Long> sizes = new ArrayList<>();
    for (FramedRecord record : frame(BODY, chunk)) {
      sizes.add(record.bytes());
    }
    return sizes;
  }

  /** Each value of {@code body}, fed {@code chunk} bytes at a time, as its first token and its size. */
  private static List<String> values(String body, int chunk) throws Exception {
    List<String> values = new ArrayList<>();
    for (FramedRecord record : frame(body, chunk)) {
      values.add(record.tokens().firstToken() + "/" + record.bytes());
    }
    return values;
  }

  /** The values of {@code body} fed {@code chunk} bytes at a time, each taken as soon as it is complete. */
  private static List<FramedRecord> frame(String body, int chunk) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    RecordFramer framer = new RecordFramer(new JsonFactory());
    List<FramedRecord> records = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunk) {
      framer.feed(bytes, i, Math.min(chunk, bytes.length - i));
      takeAll(framer, records);
    }
    framer.end();
    takeAll(framer, records);
    return records;
  }

  private static void takeAll(RecordFramer framer, List<FramedRecord> into) {
    FramedRecord record;
    while ((record = framer.next()) != null) {
      into.add(record);
    }
  }

  @Test
  void eachRecordsSizeIsItsByteLength() throws Exception {
    List<Long> expected =
        List.of(
            (long) "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}".length(),
            (long) "{\"partition_id\":-1,\"key\":{\"data\":[1,2]}}".length(),
            (long) "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8).length);
    for (int chunk : new int[] {1, 2, 3, 7, 1000}) {
      assertEquals(expected, sizes(chunk), "fed " + chunk + " bytes at a time");
    }
  }

  /** Values with nothing between them are values still: a number or literal glued to the next one too. */
  @Test
  void aTopLevelNumberOrLiteralGluedToTheNextValueIsAValueOfItsOwn() throws Exception {
    String body = "{\"a\":1}1{\"b\":\"}1{\\\"\"}12{\"c\":3}true[1]null\"s\"-1.5e3{}\"x\"{}";
    String spaced = "{\"a\":1} 1\n{\"b\":\"}1{\\\"\"}\r\n12 {\"c\":3}\ttrue [1]null \"s\" -1.5e3 {} \"x\"{}\n";
    List<String> expected =
        List.of(
            "START_OBJECT/7", "VALUE_NUMBER_INT/1", "START_OBJECT/13", "VALUE_NUMBER_INT/2", "START_OBJECT/7",
            "VALUE_TRUE/4", "START_ARRAY/3", "VALUE_NULL/4", "VALUE_STRING/3", "VALUE_NUMBER_FLOAT/6",
            "START_OBJECT/2", "VALUE_STRING/3", "START_OBJECT/2");
    for (int chunk : new int[] {1, 2, 3, 5, 1000}) {
      assertEquals(expected, values(body, chunk), "fed " + chunk + " bytes at a time");
      assertEquals(expected, values(spaced, chunk), "spaced, fed " + chunk + " bytes at a time");
    }
    assertEquals(List.of("VALUE_NUMBER_INT/2"), values("12", 1), "a number the body's end ends");
    assertEquals(List.of("VALUE_FALSE/5"), values("false", 2), "a literal the body's end ends");
  }

  /** What the framer holds of a record still arriving is its bytes so far, exactly, however it was fed. */
  @Test
  void theBytesOfARecordStillArrivingAreCountedExactly() throws Exception {
    byte[] bytes = "{\"a\":1} \n{\"b\":\"xx".getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 4, 1000}) {
      RecordFramer framer = new RecordFramer(new JsonFactory());
      for (int i = 0; i < bytes.length; i += chunk) {
        framer.feed(bytes, i, Math.min(chunk, bytes.length - i));
      }
      assertEquals(7, framer.next().bytes());
      assertEquals("{\"b\":\"xx".length(), framer.openRecordBytes(), "fed " + chunk + " bytes at a time");
    }
  }

  /** A negative zero keeps its sign: as an int the token buffer would hold 0. */
  @Test
  void aNegativeZeroKeepsItsSign() throws Exception {
    try (JsonParser tokens = frame("{\"n\":-0}", 1000).get(0).tokens().asParser()) {
      tokens.nextToken();
      tokens.nextToken();
      tokens.nextToken();
      assertEquals("-0", tokens.getText());
    }
  }
}

package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framer's record sizes are the records' exact byte lengths, however the body is split. */
class RecordFramerTest {

  private static final String BODY =
      "{\"value\":{\"type\":\"STRING\",\"data\":\"ok\"}}  \n{\"partition_id\":-1,\"key\":{\"data\":[1,2]}}{\"a\":\"é\"}\r\n";

  private static List<Long> sizes(int chunk) throws Exception {
    byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
    RecordFramer framer = new RecordFramer(new JsonFactory());
    List<Long> sizes = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunk) {
      framer.feed(bytes, i, Math.min(chunk, bytes.length - i), (tokens, size) -> sizes.add(size));
    }
    framer.end((tokens, size) -> sizes.add(size));
    return sizes;
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
}

package dev.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The hand-written report serialization says exactly what data binding says. */
class ProduceResponseTest {

  private final ObjectMapper mapper = Json.newMapper();

  private String streamed(ProduceResponse response) throws Exception {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = mapper.createGenerator(text)) {
      response.writeTo(out);
    }
    return text.toString();
  }

  @Test
  void writeToMatchesDataBindingWithAndWithoutOptionalFields() throws Exception {
    for (ProduceResponse response :
        new ProduceResponse[] {
          new ProduceResponse(
              200, "c-1", "t\"1", 3, 1L << 40, "2021-02-05T19:14:42Z",
              new ProduceResponseData(EmbeddedFormat.BINARY, 7), new ProduceResponseData(EmbeddedFormat.JSON, -1)),
          new ProduceResponse(200, "c", "t", 0, 0, null, null, new ProduceResponseData(EmbeddedFormat.STRING, 0)),
          new ProduceResponse(200, "c", "t", 0, 0, "2021-02-05T19:14:42.001Z", null, null)
        }) {
      assertEquals(mapper.writeValueAsString(response), streamed(response));
    }
    assertEquals(
        "{\"error_code\":200,\"cluster_id\":\"c\",\"topic_name\":\"t\",\"partition_id\":0,\"offset\":0,"
            + "\"timestamp\":\"2021-02-05T19:14:42.001Z\"}",
        streamed(new ProduceResponse(200, "c", "t", 0, 0, "2021-02-05T19:14:42.001Z", null, null)));
  }
}

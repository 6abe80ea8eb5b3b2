package dev.tributary.produce.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.EmbeddedFormat;
import dev.tributary.api.ErrorResponse;
import dev.tributary.api.Json;
import dev.tributary.api.ProduceResponse;
import dev.tributary.api.ProduceResponseData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoder's reports are data binding's JSON, byte for byte, whatever it has cached. */
class ReportEncoderTest {

  private final ObjectMapper mapper = Json.newMapper();

  private static final List<ProduceResponse> REPORTS =
      List.of(
          new ProduceResponse(
              200, "c-1", "t\"1\u00e9", 3, 1L << 40, "2021-02-05T19:14:42Z",
              new ProduceResponseData(EmbeddedFormat.BINARY, 7), new ProduceResponseData(EmbeddedFormat.JSON, 0)),
          new ProduceResponse(200, "c-1", "t\"1\u00e9", Integer.MAX_VALUE, Long.MAX_VALUE, "2021-02-05T19:14:42Z",
              null, new ProduceResponseData(EmbeddedFormat.STRING, 0)),
          new ProduceResponse(200, "c-1", "t\"1\u00e9", 0, 0, "1970-01-01T00:00:00Z", null, null),
          new ProduceResponse(200, "c-1", "t\"1\u00e9", 0, 0, "2021-02-05T19:14:42.001Z", null, null),
          new ProduceResponse(200, "c-1", "t\"1\u00e9", 1, 2, "2021-02-05T19:14:42.001Z",
              new ProduceResponseData(EmbeddedFormat.STRING, Integer.MAX_VALUE), null));

  @Test
  void reportsAreDataBindingsJsonEachFollowedByCrlf() throws Exception {
    ReportEncoder encoder = new ReportEncoder(mapper, "c-1", "t\"1\u00e9");
    StringBuilder expected = new StringBuilder();
    for (ProduceResponse report : REPORTS) {
      append(encoder, report);
      expected.append(mapper.writeValueAsString(report)).append("\r\n");
    }
    ErrorResponse error = new ErrorResponse(400, "Bad Request: \"x\"");
    encoder.appendMapped(error);
    expected.append(mapper.writeValueAsString(error)).append("\r\n");

    assertEquals(expected.toString(), written(encoder));
    ReportEncoder plain = new ReportEncoder(mapper, "c", "t");
    plain.appendProduced(0, 0, Instant.parse("2021-02-05T19:14:42.001Z").toEpochMilli(), 0, 0);
    assertEquals(
        "{\"error_code\":200,\"cluster_id\":\"c\",\"topic_name\":\"t\",\"partition_id\":0,\"offset\":0,"
            + "\"timestamp\":\"2021-02-05T19:14:42.001Z\"}\r\n",
        written(plain));
  }

  @Test
  void batchesGrowPastTheirBufferAndAlternateWithoutMixing() throws Exception {
    ReportEncoder encoder = new ReportEncoder(mapper, "c", "t");
    for (int batch = 0; batch < 3; batch++) {
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 500 * (batch + 1); i++) {
        ProduceResponse report = new ProduceResponse(200, "c", "t", i % 4, i, "2021-02-05T19:14:42Z",
            null, new ProduceResponseData(EmbeddedFormat.BINARY, i));
        append(encoder, report);
        expected.append(mapper.writeValueAsString(report)).append("\r\n");
      }
      assertEquals(expected.toString(), written(encoder), "batch " + batch);
      assertEquals(0, encoder.size());
    }
  }

  private static void append(ReportEncoder encoder, ProduceResponse report) {
    encoder.appendProduced(
        report.partitionId(),
        report.offset(),
        Instant.parse(report.timestamp()).toEpochMilli(),
        ReportEncoder.data(report.key()),
        ReportEncoder.data(report.value()));
  }

  private static String written(ReportEncoder encoder) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoder.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}

package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tributary.api.ErrorResponse;
import dev.tributary.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ReportWriter writer = new ReportWriter(out, Runnable::run, Json.newMapper());

  private static ErrorResponse report(int n) {
    return new ErrorResponse(400, "r" + n);
  }

  private String written() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void reportsArriveInRequestOrderWhateverOrderKafkaAnswers() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    CompletableFuture<Void> third = new CompletableFuture<>();
    writer.add(first, () -> report(1));
    writer.add(second, () -> report(2));
    writer.add(third, () -> report(3));

    third.complete(null);
    second.complete(null);
    assertEquals("", written(), "nothing overtakes the first report");

    first.complete(null);
    assertEquals(
        "{\"error_code\":400,\"message\":\"r1\"}\r\n{\"error_code\":400,\"message\":\"r2\"}\r\n"
            + "{\"error_code\":400,\"message\":\"r3\"}\r\n",
        written());
  }

  @Test
  void aReportIsWrittenAsSoonAsItAndEveryEarlierOneIsReady() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    writer.add(first, () -> report(1));
    writer.add(second, () -> report(2));
    first.complete(null);
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n", written());
  }

  @Test
  void aReportThatCannotBeBuiltBecomesA500InItsPlace() {
    writer.add(CompletableFuture.completedFuture(null), () -> { throw new IllegalStateException("bug"); });
    writer.add(CompletableFuture.completedFuture(null), () -> report(2));
    assertEquals(
        "{\"error_code\":500,\"message\":\"Internal Server Error\"}\r\n{\"error_code\":400,\"message\":\"r2\"}\r\n",
        written());
  }

  @Test
  void awaitWrittenReturnsOnceEveryReportIsWritten() {
    CompletableFuture<Void> pending = new CompletableFuture<>();
    writer.add(pending, () -> report(1));
    writer.finish();
    CompletableFuture.runAsync(() -> pending.complete(null));
    assertTimeoutPreemptively(Duration.ofSeconds(5), writer::awaitWritten);
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n", written());
  }

  @Test
  void aClientThatStopsTakingReportsReleasesTheWaiter() {
    OutputStream gone =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    ReportWriter broken = new ReportWriter(gone, Runnable::run, Json.newMapper());
    CompletableFuture<Void> later = new CompletableFuture<>();
    broken.add(CompletableFuture.completedFuture(null), () -> report(1));
    broken.add(later, () -> report(2));
    broken.finish();
    assertTimeoutPreemptively(Duration.ofSeconds(5), broken::awaitWritten);
    later.complete(null); // dropped quietly
    assertEquals(true, broken.isBroken());
  }
}

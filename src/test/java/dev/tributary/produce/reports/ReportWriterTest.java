package dev.tributary.produce.reports;

import dev.tributary.produce.record.DeliveryReport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.EmbeddedFormat;
import dev.tributary.api.ErrorResponse;
import dev.tributary.errors.Errors;
import dev.tributary.api.Json;
import dev.tributary.api.ProduceResponse;
import dev.tributary.api.ProduceResponseData;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import dev.tributary.testing.Await;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

  /** Non-blocking output that takes writes only while {@code ready}, like a container's. */
  static class Output extends ServletOutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ready = true;
    boolean failing;
    int flushes;
    /** As Open Liberty's (25.0.0.11): the first flush commits the response and sends nothing. */
    boolean firstFlushOnlyCommits;
    private int sent;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void setWriteListener(WriteListener listener) {}

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (failing) {
        throw new IOException("Broken pipe");
      }
      if (!ready) {
        throw new IllegalStateException("written while not ready");
      }
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      if (flushes++ > 0 || !firstFlushOnlyCommits) {
        sent = bytes.size();
      }
    }

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    /** What a flush has sent to the client. */
    String sent() {
      return new String(bytes.toByteArray(), 0, sent, StandardCharsets.UTF_8);
    }
  }

  private final Output out = new Output();
  private final List<DeliveryReport> decided = new ArrayList<>();
  private final List<Integer> codes = new ArrayList<>();
  private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
  private boolean open = true;
  private final ReportWriter writer =
      new ReportWriter(
          output(() -> open, () -> out),
          Runnable::run,
          new ReportEncoder(Json.newMapper(), "c-1", "t"),
          new ReportWriter.Accounts() {
            @Override
            public void reportDecided(DeliveryReport report, long bytes) {
              decided.add(report);
            }

            @Override
            public void reportDone(int errorCode, long readNanos) {
              codes.add(errorCode);
            }
          },
          new ReportWriter.Listener() {
            @Override
            public void writeFailed(Throwable error) {
              events.add("failed: " + error.getMessage());
            }

            @Override
            public void allDone() {
              events.add("all done");
            }
          });

  /** A report that is ready when {@code ready} completes: a 400 saying "r" and {@code n}. */
  private static ReportWriter.Pending report(CompletableFuture<?> ready, int n) {
    return new ReportWriter.Pending(ready.thenApply(done -> failed(new ErrorResponse(400, "r" + n))), 10, 0);
  }

  private static DeliveryReport failed(ErrorResponse body) {
    return new DeliveryReport.Failed(new Errors.Failure(body.errorCode(), body, null));
  }

  @Test
  void reportsArriveInRequestOrderWhateverOrderKafkaAnswers() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    CompletableFuture<Void> third = new CompletableFuture<>();
    writer.add(report(first, 1));
    writer.add(report(second, 2));
    writer.add(report(third, 3));

    third.complete(null);
    second.complete(null);
    assertEquals("", out.text(), "nothing overtakes the first report");

    first.complete(null);
    assertEquals(
        "{\"error_code\":400,\"message\":\"r1\"}\r\n{\"error_code\":400,\"message\":\"r2\"}\r\n"
            + "{\"error_code\":400,\"message\":\"r3\"}\r\n",
        out.text());
    assertEquals(3, codes.size());
  }

  @Test
  void aReportIsWrittenAndFlushedAsSoonAsItAndEveryEarlierOneIsReady() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    writer.add(report(first, 1));
    writer.add(report(new CompletableFuture<>(), 2));
    int flushes = out.flushes;
    first.complete(null);
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n", out.text());
    assertTrue(out.flushes > flushes, "flushed, so the chunk goes out now");
  }

  @Test
  void theFirstReportIsSentWhereTheFirstFlushOnlyCommitsTheResponse() {
    out.firstFlushOnlyCommits = true;
    writer.add(report(CompletableFuture.completedFuture(null), 1));
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n", out.sent());
    writer.onWritePossible();
    writer.add(report(CompletableFuture.completedFuture(null), 2));
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n{\"error_code\":400,\"message\":\"r2\"}\r\n", out.sent());
  }

  @Test
  void aClientThatCannotTakeMoreHoldsItsReportsUntilTheContainerSaysItCan() {
    out.ready = false;
    writer.add(report(CompletableFuture.completedFuture(null), 1));
    writer.add(report(CompletableFuture.completedFuture(null), 2));
    assertEquals("", out.text());
    out.ready = true;
    writer.onWritePossible();
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n{\"error_code\":400,\"message\":\"r2\"}\r\n", out.text());
  }

  @Test
  void decidedReportsLeaveTheWindowWhileTheClientIsNotReading() {
    out.ready = false;
    CompletableFuture<Void> first = new CompletableFuture<>();
    writer.add(report(first, 1));
    writer.add(report(CompletableFuture.completedFuture(null), 2));
    assertEquals(0, decided.size(), "the second waits for the first: reports keep their order");
    first.complete(null);
    assertEquals(2, decided.size(), "both are decided, though neither can be written");
    assertEquals("", out.text());
    out.ready = true;
    writer.onWritePossible();
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n{\"error_code\":400,\"message\":\"r2\"}\r\n", out.text());
    assertEquals(List.of(400, 400), codes);
  }

  @Test
  void heldReportsKeepTheirOrderAndEveryFieldHoweverManyWait() throws Exception {
    ObjectMapper mapper = Json.newMapper();
    StringBuilder expected = new StringBuilder();
    out.ready = false;
    for (int i = 0; i < 12_000; i++) {
      if (i == 3000) {
        out.ready = true; // some leave while more arrive, so the held reports wrap around
        writer.onWritePossible();
        out.ready = false;
      }
      int n = i;
      if (i % 7 == 3) {
        ErrorResponse error = new ErrorResponse(400, "r" + i);
        writer.add(new ReportWriter.Pending(CompletableFuture.completedFuture(failed(error)), 1, 0));
        expected.append(mapper.writeValueAsString(error)).append("\r\n");
        continue;
      }
      ProduceResponseData key = i % 2 == 0 ? null : new ProduceResponseData(EmbeddedFormat.BINARY, i);
      ProduceResponseData value = new ProduceResponseData(EmbeddedFormat.values()[i % 3], i * 3);
      writer.add(
          new ReportWriter.Pending(
              CompletableFuture.completedFuture(
                  new DeliveryReport.Produced(n % 5, 1L << 33 | n, 1_600_000_000_000L + n / 10, key, value)),
              1,
              0));
      expected
          .append(
              mapper.writeValueAsString(
                  new ProduceResponse(200, "c-1", "t", i % 5, 1L << 33 | i, Instant.ofEpochMilli(1_600_000_000_000L + i / 10).toString(), key, value)))
          .append("\r\n");
    }
    assertEquals(12_000, decided.size());
    out.ready = true;
    writer.onWritePossible();
    assertEquals(expected.toString(), out.text());
    assertEquals(12_000, codes.size());
  }

  @Test
  void aReportThatCannotBeBuiltBecomesA500InItsPlace() {
    writer.add(new ReportWriter.Pending(CompletableFuture.failedFuture(new IllegalStateException("bug")), 1, 0));
    writer.add(report(CompletableFuture.completedFuture(null), 2));
    assertTrue(
        out.text().matches(
            "\\{\"error_code\":500,\"message\":\"Internal Server Error \\(error id [0-9a-f]{8}\\)\"}\r\n"
                + "\\{\"error_code\":400,\"message\":\"r2\"}\r\n"),
        out.text());
    assertEquals(List.of(500, 400), codes, "the listener learns each written report's error code");
  }

  @Test
  void finishingCompletesOnceEveryReportIsWritten() {
    CompletableFuture<Void> pending = new CompletableFuture<>();
    writer.add(report(pending, 1));
    writer.finish();
    assertEquals(List.of(), events);
    pending.complete(null);
    assertEquals(List.of("all done"), events);
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n", out.text());
  }

  @Test
  void aFailedWriteIsReportedAndLaterReportsAreDropped() {
    out.failing = true;
    CompletableFuture<Void> later = new CompletableFuture<>();
    writer.add(report(CompletableFuture.completedFuture(null), 1));
    writer.add(report(later, 2));
    writer.finish();
    later.complete(null);
    assertEquals(List.of("failed: Broken pipe", "all done"), events);
    assertEquals(2, decided.size(), "every report leaves the window, written or not");
    // The first was handed to the connection (whose write then failed); the second never was.
    assertEquals(List.of(400, ReportWriter.DROPPED), codes);
  }

  @Test
  void onceTheExchangeHasEndedTheOutputIsNeverTouchedAgain() {
    writer.add(report(CompletableFuture.completedFuture(null), 1));
    open = false;
    out.failing = true; // any write now would be a use of a finished response
    writer.add(report(CompletableFuture.completedFuture(null), 2));
    writer.finish();
    assertEquals("{\"error_code\":400,\"message\":\"r1\"}\r\n", out.text());
    assertEquals(List.of(400, ReportWriter.DROPPED), codes);
    assertEquals(List.of("all done"), events, "no write was attempted, so none failed");
  }

  /**
   * Open Liberty's non-blocking output writes synchronously: a write there waits until the client reads.
   * Meanwhile later reports are still decided (their records leave the window, so the reading goes on),
   * and once the write returns every report goes out, in order.
   */
  @Test
  void aWriteThatWaitsHoldsUpNeitherTheDecidingNorTheOrder() throws Exception {
    java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Output blocking =
        new Output() {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new java.io.InterruptedIOException();
            }
            super.write(b, off, len);
          }
        };
    List<DeliveryReport> decidedMeanwhile = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      ReportWriter waiting =
          new ReportWriter(
              output(() -> true, () -> blocking),
              threads,
              new ReportEncoder(Json.newMapper(), "c-1", "t"),
              new ReportWriter.Accounts() {
                @Override
                public void reportDecided(DeliveryReport report, long bytes) {
                  decidedMeanwhile.add(report);
                }

                @Override
                public void reportDone(int errorCode, long readNanos) {}
              },
              new ReportWriter.Listener() {
                @Override
                public void writeFailed(Throwable error) {}

                @Override
                public void allDone() {
                  events.add("all done");
                }
              });
      waiting.add(report(CompletableFuture.completedFuture(null), 0));
      assertTrue(writing.await(10, java.util.concurrent.TimeUnit.SECONDS), "the first write began");
      for (int i = 1; i < 1000; i++) {
        waiting.add(report(CompletableFuture.completedFuture(null), i));
      }
      waiting.finish();
      Await.until(Duration.ofSeconds(10), () -> decidedMeanwhile.size() == 1000, "every report to be decided");
      assertEquals("", blocking.text(), "the first write still waits");
      release.countDown();
      Await.until(Duration.ofSeconds(10), () -> events.contains("all done"), "the writing to end");
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        expected.append("{\"error_code\":400,\"message\":\"r").append(i).append("\"}\r\n");
      }
      assertEquals(expected.toString(), blocking.text());
    } finally {
      threads.shutdownNow();
    }
  }

  /** A response whose stream is {@code out}'s while {@code open} says so (the exchange's end makes it null). */
  private static ResponseOutput output(
      java.util.function.BooleanSupplier open, java.util.function.Supplier<? extends jakarta.servlet.ServletOutputStream> out) {
    return new ResponseOutput() {
      @Override
      public boolean isOpen() {
        return open.getAsBoolean();
      }

      @Override
      public Use use(Step step) throws IOException {
        return open.getAsBoolean() ? Use.ran(step.run(out.get())) : Use.ENDED;
      }
    };
  }
}

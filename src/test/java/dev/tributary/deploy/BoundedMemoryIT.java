package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.ChunkedReports;
import dev.tributary.testing.Environment;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure keeps memory bounded (spec section 5): 2 GiB through one connection into the Jetty
 * distribution started with {@code -Xmx256m}. Every record gets its 200, and the heap after each
 * collection stays flat however much has passed through.
 */
class BoundedMemoryIT {

  private static final long BODY_BYTES = 2L * 1024 * 1024 * 1024;

  @Test
  void twoGigabytesThroughOneConnectionWithA256MegabyteHeap() throws Exception {
    Environment env = Environment.get();
    // Small segments and retention, deleted every few seconds: the broker holds under 1 GB of the 2 GiB
    // on disk at any time (about 0.8 GB at peak, measured), not all of it.
    String topic = env.newTopic(1, Map.of("retention.bytes", String.valueOf(64L * 1024 * 1024), "segment.bytes", String.valueOf(16 * 1024 * 1024)));
    Path gcLog = Path.of("target", "deploy-logs", "jetty-256m-gc.log").toAbsolutePath();
    Files.createDirectories(gcLog.getParent());
    try (AppServer jetty = JettyServer.start("jetty-256m", env, List.of("-Xmx256m", "-Xlog:gc:file=" + gcLog))) {
      int port = jetty.port();
      byte[] value = new byte[1024];
      new java.util.Random(1).nextBytes(value);
      byte[] record = ("{\"value\":{\"type\":\"BINARY\",\"data\":\"" + Base64.getEncoder().encodeToString(value) + "\"}}\n")
          .getBytes(StandardCharsets.US_ASCII);
      int perChunk = 64 * 1024 / record.length;
      long records = BODY_BYTES / record.length / perChunk * perChunk;

      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + jetty.path(env.recordsPath(topic)) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[perChunk * record.length];
        for (int i = 0; i < perChunk; i++) {
          System.arraycopy(record, 0, chunk, i * record.length, record.length);
        }
        byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
          try {
            for (long sent = 0; sent < records; sent += perChunk) {
              out.write(size);
              out.write(chunk);
              out.write(new byte[] {'\r', '\n'});
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        ChunkedReports.Count counts = ChunkedReports.count(socket.getInputStream(), Long.MAX_VALUE);
        sending.join();
        assertEquals(records, counts.reports(), "reports");
        assertEquals(records, counts.ok(), "200 reports");
      }
    }
    List<Long> afterGc = heapAfterEachGc(Files.readString(gcLog));
    assertTrue(afterGc.size() > 10, "too few collections to judge: " + afterGc);
    long max = afterGc.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(max < 160, "heap after GC reached " + max + " MB of 256: " + afterGc);
    int third = afterGc.size() / 3;
    double early = afterGc.subList(third, 2 * third).stream().mapToLong(Long::longValue).average().orElseThrow();
    double late = afterGc.subList(2 * third, afterGc.size()).stream().mapToLong(Long::longValue).average().orElseThrow();
    assertTrue(late < early + 32, "the heap grows with the bytes streamed: " + early + " MB, then " + late + " MB");
  }

  /** Megabytes in use after each collection, from unified GC logging ("Pause Young ... 120M->35M(256M)"). */
  private static List<Long> heapAfterEachGc(String log) {
    List<Long> after = new ArrayList<>();
    Matcher m = Pattern.compile("Pause.*?\\d+M->(\\d+)M\\(\\d+M\\)").matcher(log);
    while (m.find()) {
      after.add(Long.parseLong(m.group(1)));
    }
    return after;
  }
}

package dev.tributary.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.testing.Environment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's client examples, verbatim, against a real deployment, and checks that the live ones
 * are full duplex: each record's report arrives while the request body is still open.
 */
class ClientExamplesTest {

  private final Environment env = Environment.get();
  @TempDir Path dir;

  /** The code block after {@code <!-- example: name -->} in the README. */
  static String example(String name) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int marker = lines.indexOf("<!-- example: " + name + " -->");
    assertTrue(marker >= 0, "README has no example " + name);
    assertTrue(lines.get(marker + 1).startsWith("```"), "a code block follows the marker of " + name);
    StringBuilder code = new StringBuilder();
    for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
      code.append(lines.get(i)).append('\n');
    }
    return code.toString();
  }

  @Test
  void pythonPrintsAWholeRequestErrorToo() throws Exception {
    Files.writeString(dir.resolve("produce.py"), example("python"));
    Process client = start("no-such-topic", "python3", "produce.py");
    client.getOutputStream().write("{\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}\n".getBytes(StandardCharsets.UTF_8));
    client.getOutputStream().close();
    assertTrue(client.waitFor(30, TimeUnit.SECONDS));
    assertEquals(
        "{\"error_code\":40403,\"message\":\"This server does not host this topic-partition.\"}\n",
        new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private Process start(String topic, String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("TRIBUTARY", "http://127.0.0.1:" + env.server().port());
    builder.environment().put("CLUSTER", env.broker().clusterId());
    builder.environment().put("TOPIC", topic);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return builder.start();
  }

  private void assertReport(String report, String topic, long offset) {
    assertNotNull(report, "no report");
    assertTrue(
        report.startsWith(
            "{\"error_code\":200,\"cluster_id\":\"" + env.broker().clusterId() + "\",\"topic_name\":\"" + topic
                + "\",\"partition_id\":0,\"offset\":" + offset + ","),
        report);
  }

  private List<String> consumedValues(String topic, int count) {
    List<String> values = new ArrayList<>();
    env.consume(topic, count).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
    return values;
  }

  /**
   * Sends three records to {@code client}'s standard input one at a time, each only after the report of
   * the one before has been printed, then ends the input.
   */
  private void assertFullDuplex(Process client, String topic) throws Exception {
    BlockingQueue<String> printed = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  printed.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    reader.start();
    OutputStream in = client.getOutputStream();
    for (int i = 0; i < 3; i++) {
      in.write(("{\"value\":{\"type\":\"STRING\",\"data\":\"live-" + i + "\"}}\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      assertReport(printed.poll(20, TimeUnit.SECONDS), topic, i);
    }
    in.close();
    assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the client ends once its input does");
    reader.join();
    assertEquals(0, client.exitValue());
    assertEquals(List.of(), new ArrayList<>(printed));
    assertEquals(List.of("live-0", "live-1", "live-2"), consumedValues(topic, 3));
  }

  @Test
  void curlFromAFile() throws Exception {
    String topic = env.newTopic(1);
    Files.writeString(dir.resolve("example.sh"), example("curl-file"));
    Process curl = start(topic, "bash", "example.sh");
    curl.getOutputStream().close();
    List<String> lines;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8))) {
      lines = out.lines().toList();
    }
    assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, curl.exitValue());
    assertEquals(2, lines.size(), lines.toString());
    assertReport(lines.get(0), topic, 0);
    assertReport(lines.get(1), topic, 1);
    assertEquals(List.of("one", "two"), consumedValues(topic, 2));
  }

  @Test
  void curlFromALivePipe() throws Exception {
    String topic = env.newTopic(1);
    Files.writeString(dir.resolve("example.sh"), example("curl-pipe"));
    assertFullDuplex(start(topic, "bash", "example.sh"), topic);
  }

  @Test
  void pythonStandardLibrary() throws Exception {
    String topic = env.newTopic(1);
    Files.writeString(dir.resolve("produce.py"), example("python"));
    assertFullDuplex(start(topic, "python3", "produce.py"), topic);
  }

  @Test
  void javaWithJettyHttpClient() throws Exception {
    assertEquals(
        Files.readString(Path.of("src/test/java/dev/tributary/examples/StreamRecords.java")),
        example("java"),
        "the README shows StreamRecords.java as it is");
    String topic = env.newTopic(1);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assertFullDuplex(
        start(topic, java, "-cp", System.getProperty("java.class.path"), StreamRecords.class.getName()), topic);
  }

  /**
   * The resuming client, its first connection cut by a proxy in between once a third of its body has
   * passed: it sends again, and a read_committed consumer sees every record once, in order.
   */
  @Test
  void pythonResumesAfterACutConnection() throws Exception {
    String topic = env.newTopic(1);
    int total = 3_000;
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < total; i++) {
      file.append("{\"value\":{\"type\":\"STRING\",\"data\":\"r").append(i).append("\"}}\n");
    }
    Files.writeString(dir.resolve("records.json"), file);
    Files.writeString(dir.resolve("resume.py"), example("python-resume"));
    try (CuttingProxy proxy = new CuttingProxy(env.server().port(), file.length() / 3)) {
      ProcessBuilder builder =
          new ProcessBuilder("python3", "resume.py", "records.json", "writer-" + java.util.UUID.randomUUID())
              .directory(dir.toFile());
      builder.environment().put("TRIBUTARY", "http://127.0.0.1:" + proxy.port());
      builder.environment().put("CLUSTER", env.broker().clusterId());
      builder.environment().put("TOPIC", topic);
      Process client = builder.start();
      client.getOutputStream().close();
      assertTrue(client.waitFor(60, TimeUnit.SECONDS));
      String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, client.exitValue(), err);
      assertEquals(total + " records, each in Kafka once\n", out);
      assertTrue(err.startsWith("attempt failed ("), err);
      assertTrue(proxy.connections() >= 2, "the client connected again");
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      expected.add("r" + i);
    }
    List<String> values = new ArrayList<>();
    env.consumeCommitted(topic, total).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
    assertEquals(expected, values);
  }

  /** Forwards connections to a port; the first one is reset once {@code cutAfter} request bytes passed. */
  private static final class CuttingProxy implements AutoCloseable {
    private final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    CuttingProxy(int target, long cutAfter) throws IOException {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    java.net.Socket client = server.accept();
                    java.net.Socket upstream = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
                    long limit = connections.getAndIncrement() == 0 ? cutAfter : Long.MAX_VALUE;
                    pump(client, upstream, limit);
                    pump(upstream, client, Long.MAX_VALUE);
                  }
                } catch (IOException closed) {
                  // the proxy is closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private static void pump(java.net.Socket from, java.net.Socket to, long limit) {
      Thread pump =
          new Thread(
              () -> {
                byte[] buffer = new byte[4096];
                long passed = 0;
                try {
                  int read;
                  while ((read = from.getInputStream().read(buffer)) >= 0) {
                    int take = (int) Math.min(read, limit - passed);
                    to.getOutputStream().write(buffer, 0, take);
                    passed += take;
                    if (passed >= limit) {
                      reset(from);
                      reset(to);
                      return;
                    }
                  }
                  to.shutdownOutput();
                } catch (IOException gone) {
                  reset(from);
                  reset(to);
                }
              });
      pump.setDaemon(true);
      pump.start();
    }

    private static void reset(java.net.Socket socket) {
      try {
        socket.setSoLinger(true, 0);
        socket.close();
      } catch (IOException ignored) {
        // closed already
      }
    }

    int port() {
      return server.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  @Test
  void batchWithCurlAndPython() throws Exception {
    String topic = env.newTopic(1);
    Files.writeString(dir.resolve("batch.sh"), example("curl-batch"));
    Process curl = start(topic, "bash", "batch.sh");
    curl.getOutputStream().close();
    String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
    assertTrue(
        answer.startsWith("{\"successes\":[{\"id\":\"1\",\"cluster_id\":\"" + env.broker().clusterId() + "\",")
            && answer.endsWith("\"value\":{\"type\":\"STRING\",\"size\":3}}],\"failures\":[]}"),
        answer);
    Files.writeString(dir.resolve("batch.py"), example("python-batch"));
    Process python = start(topic, "python3", "batch.py");
    python.getOutputStream().close();
    String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(python.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, python.exitValue());
    assertEquals("1 produced at offset 2\n2 produced at offset 3\n", printed);
    assertEquals(List.of("one", "two", "one", "two"), consumedValues(topic, 4));
  }
}

package dev.tributary.bench;

import dev.tributary.testing.ChunkedReports;
import dev.tributary.testing.KafkaBroker;
import dev.tributary.testing.TributaryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Throughput and latency of Tributary against the raw Kafka producer, measured in one run on one
 * in-process broker ({@code mvn test-compile exec:java@benchmark}).
 *
 * <p>Every path sends the same records (random bytes, as BINARY over HTTP), with {@code acks=all} and the
 * same {@code linger.ms}, and counts a record done when Kafka has acknowledged it (for HTTP: when its
 * report arrived). Each path runs twice to warm up, then the paths take turns, five rounds, and each
 * figure is the median; broker, proxy and clients share the machine's cores, so the ratios, not the
 * absolute figures, are what to compare: on two cores every path is CPU-bound, and a ratio is close to
 * the inverse ratio of CPU time per record, printed beside it.
 *
 * <p>Runs are long (a million 100-byte records, a quarter million of 1 KB) because short ones measure
 * start-up: over the first few hundred thousand records the JIT compilers and the broker's own warm-up
 * take about a third of the CPU, and every path's figure is a fraction of its steady state.
 */
public final class Benchmark {

  private static final int LINGER_MS = 5;
  private static final Integer RECORDS = Integer.getInteger("records");
  private static final int SINGLE_POSTS = Integer.getInteger("posts", 4_000);
  private static final int ROUNDS = Integer.getInteger("rounds", 5);
  private static final int WARM_UPS = 2;
  /** Single-record POSTs each path takes before it is measured: a server JVM's JIT needs tens of thousands. */
  private static final int SINGLE_WARM_UP = Integer.getInteger("warmup", 20_000);
  // While optimising, e.g. -Dsizes=100 -Dlatency=false measures only the 100-byte streaming paths, and
  // -Dsizes= only the latency paths.

  /** Held here: the logging framework holds loggers weakly, and would drop this one's file handler. */
  private static final Logger ACCESS_LOG = Logger.getLogger("dev.tributary.access");

  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    try (InputStream logging = Benchmark.class.getResourceAsStream("/logging.properties")) {
      LogManager.getLogManager().readConfiguration(logging);
    }
    // The access log stays on, as in production, but goes to a file: a line per single-record POST
    // would bury the figures.
    Handler accessFile = new FileHandler("target/benchmark-access.log");
    accessFile.setFormatter(new SimpleFormatter());
    ACCESS_LOG.setUseParentHandlers(false);
    ACCESS_LOG.addHandler(accessFile);
    try (KafkaBroker broker = KafkaBroker.start();
        TributaryServer server =
            TributaryServer.start(
                0,
                Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "producer.linger.ms", String.valueOf(LINGER_MS)))) {
      String base = "/kafka/v3/clusters/" + broker.clusterId() + "/topics/";
      System.out.printf("Tributary benchmark: median of %d rounds, linger.ms=%d, acks=all, one JVM on %d cores%n%n",
          ROUNDS, LINGER_MS, Runtime.getRuntime().availableProcessors());
      for (String topic : new String[] {"bench-100", "bench-1024", "bench-single", "bench-many"}) {
        // A run writes about 9 GB; keeping each partition's last 128 MB spares the page cache (and the
        // benchmark the broker's stalls while gigabytes are written back).
        broker.createTopic(topic, 4, Map.of("retention.bytes", String.valueOf(128 << 20),
            "segment.bytes", String.valueOf(32 << 20)));
      }
      System.out.printf("%-44s %12s %10s %10s%n", "path", "records/s", "vs raw", "CPU us/rec");
      for (String sizeText : System.getProperty("sizes", "100,1024").split(",")) {
        if (sizeText.isBlank()) {
          continue; // -Dsizes= measures latency only
        }
        int size = Integer.parseInt(sizeText.trim());
        int count = RECORDS != null ? RECORDS : size <= 100 ? 1_000_000 : 250_000;
        System.out.printf("%,d records of %d B per run%n", count, size);
        byte[] value = new byte[size];
        new Random(size).nextBytes(value);
        String topic = "bench-" + size;
        String records = base + topic + "/records";
        // Warm up every path, then measure them interleaved, ROUNDS times, and report medians: broker,
        // proxy and clients share the cores, and interleaving exposes each path to the same noise.
        for (int warmUp = 0; warmUp < WARM_UPS; warmUp++) {
          raw(broker, topic, value, count);
          streaming(server.port(), records, value, count, 1);
          streaming(server.port(), records, value, count, 4);
          streaming(server.port(), records, value, count, 1, true);
          streaming(server.port(), records, value, count, 1, false, TRACED);
        }
        int paths = 5;
        double[][] figures = new double[paths][ROUNDS];
        double[][] cpu = new double[paths][ROUNDS];
        List<Map<String, Double>> shares = new ArrayList<>();
        for (int path = 0; path < paths; path++) {
          shares.add(new LinkedHashMap<>());
        }
        for (int round = 0; round < ROUNDS; round++) {
          for (int path = 0; path < paths; path++) {
            CpuShares before = CpuShares.now();
            figures[path][round] = switch (path) {
              case 0 -> raw(broker, topic, value, count);
              case 1 -> streaming(server.port(), records, value, count, 1);
              case 2 -> streaming(server.port(), records, value, count, 4);
              case 3 -> streaming(server.port(), records, value, count, 1, true);
              default -> streaming(server.port(), records, value, count, 1, false, TRACED);
            };
            CpuShares after = path == 0 ? rawProducerDone : CpuShares.now();
            cpu[path][round] = after.totalPerRecordSince(before, count);
            Map<String, Double> pathShares = shares.get(path);
            after.perRecordSince(before, count).forEach((group, us) -> pathShares.merge(group, us / ROUNDS, Double::sum));
          }
        }
        double raw = median(figures[0]);
        String[] names = {"raw producer, " + size + " B values", "HTTP streaming, 1 connection, " + size + " B",
          "HTTP streaming, 4 connections, " + size + " B", "exactly-once streaming, 1 connection, " + size + " B",
          "HTTP streaming, 1 connection, traceparent, " + size + " B"};
        String[] targets = {"", "   (target >= 0.50)", "   (target >= 0.70)",
          String.format("   (%.2f of 1 connection; target >= 0.50)", median(figures[3]) / median(figures[1])),
          String.format("   (%.2f of 1 connection without)", median(figures[4]) / median(figures[1]))};
        for (int path = 0; path < paths; path++) {
          System.out.printf("%-44s %12.0f %10.2f %10.1f%s%n",
              names[path], median(figures[path]), median(figures[path]) / raw, median(cpu[path]), targets[path]);
          StringBuilder line = new StringBuilder("    CPU us/rec by thread:");
          shares.get(path).forEach((group, us) -> line.append(String.format(" %s %.1f,", group, us)));
          System.out.println(line.substring(0, line.length() - 1));
        }
        if (size <= 100) {
          long[] reports = exactlyOnceLatency(server.port(), records, value, 5_000);
          System.out.printf("%-44s %12d reports, p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 <= %d ms)%n",
              "exactly-once, 1,000 records/s, send to report", reports.length, reports[reports.length / 2] / 1e6,
              reports[(int) (reports.length * 0.99)] / 1e6, reports[reports.length - 1] / 1e6,
              COMMIT_INTERVAL_MS + 50);
        }
      }
      if (Boolean.parseBoolean(System.getProperty("latency", "true"))) {
        latency(broker, server.port(), base);
      }
      String distributions = System.getProperty("distributions", "");
      if (!distributions.isBlank()) {
        distributions(broker, base, List.of(distributions.split(",")));
      }
    }
    System.exit(0); // the broker leaves non-daemon threads that exec:java would wait for
  }

  /** The latency rows: single-record POSTs against the raw producer, and many slow streams. */
  private static void latency(KafkaBroker broker, int port, String base) throws Exception {
    String topic = "bench-single";
    byte[] value = new byte[100];
    long[] latencies = new long[SINGLE_POSTS];
    rawSingle(broker, topic, value, SINGLE_POSTS / 4, 8, new long[SINGLE_POSTS / 4]); // warm-up
    double rate = rawSingle(broker, topic, value, SINGLE_POSTS, 8, latencies);
    System.out.printf("%n%-44s %12.0f records/s, %s (the baseline)%n",
        "raw producer, 8 threads, send then wait", rate, percentiles(latencies));
    single(port, base + topic + "/records", value, SINGLE_POSTS / 4, 8); // warm-up
    rate = single(port, base + topic + "/records", value, SINGLE_POSTS, 8, latencies);
    System.out.printf("%-44s %12.0f records/s, %s (target p50 <= linger.ms + 2 = %d ms)%n",
        "single-record POSTs, 8 keep-alive connections", rate, percentiles(latencies), LINGER_MS + 2);
    String slow = "bench-many";
    int streams = Integer.getInteger("streams", 1000);
    long[] many = ManyStreams.run(port, base + slow + "/records", streams, 20, 5);
    System.out.printf("%-44s %12d reports, p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 < 100 ms)%n",
        streams + " streams x 1 record/s + 1 stalled client", many.length,
        many[many.length / 2] / 1e6, many[(int) (many.length * 0.99)] / 1e6, many[many.length - 1] / 1e6);
  }

  /**
   * Single-record POSTs as users send them ({@code -Ddistributions=jetty,tomcat11}, after {@code mvn
   * -DskipTests pre-integration-test} built the WAR and unpacked the servers): to the WAR on each server
   * distribution, in a JVM of its own
   * (and to the Strimzi bridge, if {@code -Dbridge} names a script that runs it on {@code $BOOTSTRAP} and
   * {@code $HTTP_PORT}, management on the next port), from 8 keep-alive java.net.http clients in this JVM that each send a record and
   * wait for its answer; beside the raw producer used the same way. Paths take turns, {@link #ROUNDS}
   * rounds; records/s is the median round's, percentiles are over every round's requests. With {@code
   * -Dprofile=true} each server JVM records a JFR profile to {@code target/bench-<name>.jfr}.
   */
  private static void distributions(KafkaBroker broker, String base, List<String> names) throws Exception {
    String topic = "bench-single";
    byte[] value = new byte[100];
    new Random(100).nextBytes(value);
    String record = "{\"value\":{\"type\":\"BINARY\",\"data\":\"" + Base64.getEncoder().encodeToString(value) + "\"}}";
    boolean profile = Boolean.getBoolean("profile");
    List<String> rowNames = new ArrayList<>(List.of("raw producer, 8 threads, send then wait"));
    List<java.util.concurrent.Callable<RoundTrip>> paths = new ArrayList<>();
    KafkaProducer<byte[], byte[]> producer = producer(broker, topic);
    List<AutoCloseable> running = new ArrayList<>(List.of(producer));
    try {
      paths.add(() -> () -> producer.send(new ProducerRecord<>(topic, value)).get());
      for (String name : names) {
        List<String> jvm =
            profile
                ? List.of("-XX:StartFlightRecording=filename=" + java.nio.file.Path.of("target", "bench-" + name + ".jfr").toAbsolutePath() + ",settings=profile")
                : List.of();
        dev.tributary.deploy.Distribution server =
            dev.tributary.deploy.Distribution.start(
                name.trim(), broker.bootstrapServers(), Map.of("producer.linger.ms", String.valueOf(LINGER_MS)), jvm);
        running.add(server);
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + server.port() + server.path(base + topic + "/records"));
        rowNames.add("single-record POSTs, " + name.trim() + " distribution");
        paths.add(() -> httpPost(uri, "application/json", record, "{\"error_code\":200,"));
      }
      String bridge = System.getProperty("bridge");
      if (bridge != null) {
        int port = dev.tributary.testing.Ports.freeBelowEphemeral();
        ProcessBuilder start = new ProcessBuilder(bridge).redirectErrorStream(true)
            .redirectOutput(java.nio.file.Path.of("target", "bench-bridge.log").toFile());
        start.environment().put("BOOTSTRAP", broker.bootstrapServers());
        start.environment().put("HTTP_PORT", String.valueOf(port));
        Process process = start.start();
        running.add(() -> process.descendants().forEach(ProcessHandle::destroy));
        running.add(process::destroy);
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + "/topics/" + topic);
        awaitAnswer(java.net.URI.create("http://127.0.0.1:" + (port + 1) + "/ready")); // its management port
        rowNames.add("Strimzi bridge, v2, one record per POST");
        String records = "{\"records\":[{\"value\":\"" + Base64.getEncoder().encodeToString(value) + "\"}]}";
        paths.add(() -> httpPost(uri, "application/vnd.kafka.binary.v2+json", records, "{\"offsets\":[{\"partition\":"));
      }
      for (java.util.concurrent.Callable<RoundTrip> path : paths) {
        timed(SINGLE_WARM_UP, 8, new long[SINGLE_WARM_UP], path); // warm-up: until the JIT is done
      }
      double[][] rates = new double[paths.size()][ROUNDS];
      long[][] latencies = new long[paths.size()][SINGLE_POSTS * ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        for (int path = 0; path < paths.size(); path++) {
          long[] one = new long[SINGLE_POSTS];
          rates[path][round] = timed(SINGLE_POSTS, 8, one, paths.get(path));
          System.arraycopy(one, 0, latencies[path], round * SINGLE_POSTS, SINGLE_POSTS);
        }
      }
      double raw = median(rates[0]);
      Arrays.sort(latencies[0]);
      double rawP50 = latencies[0][latencies[0].length / 2] / 1e6;
      double rawP99 = latencies[0][(int) (latencies[0].length * 0.99)] / 1e6;
      System.out.printf("%nOne record per request, 8 keep-alive clients in this JVM, servers in their own, 100 B%n");
      for (int path = 0; path < paths.size(); path++) {
        String target =
            path == 0
                ? "(the baseline)"
                : rowNames.get(path).startsWith("Strimzi")
                    ? ""
                    : String.format("(targets: >= 0.90 of raw, p50 <= %.1f ms, p99 <= %.1f ms)", rawP50 + 1, 2 * rawP99);
        System.out.printf("%-44s %12.0f %10.2f   %s %s%n",
            rowNames.get(path), median(rates[path]), median(rates[path]) / raw, percentiles(latencies[path]), target);
      }
    } finally {
      for (int i = running.size() - 1; i >= 0; i--) {
        running.get(i).close();
      }
    }
  }

  /** A client's round trip: one POST of {@code body} on its own keep-alive connection, answered with {@code expected}. */
  private static RoundTrip httpPost(java.net.URI uri, String contentType, String body, String expected) {
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(uri).header("Content-Type", contentType)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
    return new RoundTrip() {
      @Override
      public void once() throws Exception {
        java.net.http.HttpResponse<String> response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().startsWith(expected)) {
          throw new IllegalStateException(uri + ": " + response.statusCode() + " " + response.body());
        }
      }
    };
  }

  /** Waits, at most a minute, until {@code uri} answers 200. */
  private static void awaitAnswer(java.net.URI uri) throws InterruptedException {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline) {
      try {
        if (client.send(java.net.http.HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(uri + " did not answer within a minute");
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** A producer as the proxy's (acks=all, idempotent, the same linger.ms), with {@code topic}'s metadata. */
  private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker, String topic) {
    Map<String, Object> props =
        Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all", "linger.ms", LINGER_MS,
            "enable.idempotence", true);
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    producer.partitionsFor(topic);
    return producer;
  }

  /** When the last raw run's records were all acknowledged: taken before its producer's I/O thread ends. */
  private static CpuShares rawProducerDone;

  /** The raw producer: records/s until every record is acknowledged. */
  static double raw(KafkaBroker broker, String topic, byte[] value, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(broker, topic)) {
      CountDownLatch acked = new CountDownLatch(count);
      AtomicReference<Exception> failure = new AtomicReference<>();
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
          if (error != null) {
            failure.set(error);
          }
          acked.countDown();
        });
      }
      acked.await();
      long nanos = System.nanoTime() - start;
      rawProducerDone = CpuShares.now();
      if (failure.get() != null) {
        throw failure.get();
      }
      return count / (nanos / 1e9);
    }
  }

  /** "p50 x ms, p99 y ms" of {@code latencies} (nanoseconds), which this sorts. */
  private static String percentiles(long[] latencies) {
    Arrays.sort(latencies);
    return String.format("p50 %.1f ms, p99 %.1f ms",
        latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6);
  }

  /**
   * The raw producer as single-record POSTs use the proxy: {@code threads} threads share one producer,
   * each sending a record and waiting for its acknowledgement before the next.
   */
  static double rawSingle(KafkaBroker broker, String topic, byte[] value, int count, int threads, long[] latencies)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(broker, topic)) {
      return timed(count, threads, latencies, () -> () -> producer.send(new ProducerRecord<>(topic, value)).get());
    }
  }

  /** One client thread's round trip: {@link #once} sends a record and waits for its outcome. */
  private interface RoundTrip extends AutoCloseable {
    void once() throws Exception;

    @Override
    default void close() throws Exception {}
  }

  /**
   * {@code count} round trips over {@code threads} threads, each with its own {@link RoundTrip} from
   * {@code open}; each trip's nanoseconds go to {@code latencies}. Returns round trips per second.
   */
  private static double timed(int count, int threads, long[] latencies, java.util.concurrent.Callable<RoundTrip> open)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads, CpuShares.clientThreads());
    try {
      int share = count / threads;
      long start = System.nanoTime();
      List<Future<?>> clients = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * share;
        clients.add(pool.submit(() -> {
          try (RoundTrip trip = open.call()) {
            for (int i = 0; i < share; i++) {
              long t0 = System.nanoTime();
              trip.once();
              latencies[first + i] = System.nanoTime() - t0;
            }
          }
          return null;
        }));
      }
      for (Future<?> client : clients) {
        client.get();
      }
      return share * threads / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS); // so each client thread has added its CPU time
    }
  }

  /** The default {@code exactly.once.commit.interval.ms}, which the benchmark's deployment keeps. */
  private static final long COMMIT_INTERVAL_MS = 100;

  /**
   * One exactly-once stream sending a record every millisecond, {@code count} in all: each report's time
   * from its record's send, in nanoseconds, sorted.
   */
  static long[] exactlyOnceLatency(int port, String path, byte[] value, int count) throws Exception {
    String record = "{\"value\":{\"type\":\"BINARY\",\"data\":\"" + Base64.getEncoder().encodeToString(value) + "\"}}";
    long[] sentAt = new long[count];
    long[] latencies = new long[count];
    try (dev.tributary.testing.StreamingClient client =
        dev.tributary.testing.StreamingClient.open(
            "127.0.0.1", port, path, Map.of("Tributary-Producer-Id", "bench-latency-" + System.nanoTime()))) {
      Thread sender =
          new Thread(
              () -> {
                try {
                  long due = System.nanoTime();
                  for (int i = 0; i < count; i++) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      TimeUnit.NANOSECONDS.sleep(wait); // the pace: one record a millisecond
                    }
                    sentAt[i] = System.nanoTime();
                    client.send(record);
                    due += 1_000_000;
                  }
                  client.end();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      sender.start();
      for (int i = 0; i < count; i++) {
        String report = client.readReport();
        if (report == null || !report.startsWith("{\"error_code\":200,")) {
          throw new IllegalStateException("report " + i + ": " + report);
        }
        latencies[i] = System.nanoTime() - sentAt[i];
      }
      sender.join();
    }
    Arrays.sort(latencies);
    return latencies;
  }

  /** {@code connections} full-duplex streams together carrying {@code count} records. */
  static double streaming(int port, String path, byte[] value, int count, int connections) throws Exception {
    return streaming(port, path, value, count, connections, false);
  }

  /** A request's trace context, as a traced client sends it: copied into each record's headers. */
  private static final String TRACED = "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n";

  /** As above; {@code exactlyOnce}, each stream with a {@code Tributary-Producer-Id} of its own. */
  static double streaming(int port, String path, byte[] value, int count, int connections, boolean exactlyOnce)
      throws Exception {
    return streaming(port, path, value, count, connections, exactlyOnce, "");
  }

  /** As above, each request with {@code headers} (header lines, each ending with CRLF) too. */
  static double streaming(
      int port, String path, byte[] value, int count, int connections, boolean exactlyOnce, String headers)
      throws Exception {
    byte[] record = ("{\"value\":{\"type\":\"BINARY\",\"data\":\"" + Base64.getEncoder().encodeToString(value) + "\"}}\n")
        .getBytes(StandardCharsets.US_ASCII);
    ExecutorService threads = Executors.newFixedThreadPool(connections * 2, CpuShares.clientThreads());
    try {
      long start = System.nanoTime();
      List<Future<Integer>> streams = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int share = count / connections;
        String header =
            headers + (exactlyOnce ? "Tributary-Producer-Id: bench-" + System.nanoTime() + "-" + c + "\r\n" : "");
        streams.add(threads.submit(() -> stream(port, path, record, share, threads, header)));
      }
      int ok = 0;
      for (Future<Integer> stream : streams) {
        ok += stream.get();
      }
      long nanos = System.nanoTime() - start;
      if (ok != count / connections * connections) {
        throw new IllegalStateException(ok + " records reported 200 of " + count);
      }
      return ok / (nanos / 1e9);
    } finally {
      threads.shutdownNow();
      threads.awaitTermination(10, TimeUnit.SECONDS); // so each client thread has added its CPU time
    }
  }

  /** One stream: a writer thread sends 64 KB chunks while this thread counts 200 reports. */
  private static int stream(int port, String path, byte[] record, int count, ExecutorService threads, String headers)
      throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + headers + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      Future<?> writer = threads.submit(() -> {
        int perChunk = Math.max(1, 65_536 / record.length);
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(perChunk * record.length + 16);
        for (int sent = 0; sent < count; ) {
          chunk.reset();
          int n = Math.min(perChunk, count - sent);
          for (int i = 0; i < n; i++) {
            chunk.write(record, 0, record.length);
          }
          out.write((Integer.toHexString(chunk.size()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          chunk.writeTo(out);
          out.write(new byte[] {'\r', '\n'});
          sent += n;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return null;
      });
      ChunkedReports.Count reports = ChunkedReports.count(socket.getInputStream(), count);
      writer.get();
      if (reports.reports() < count) {
        throw new IOException("the response ended after " + reports.reports() + " of " + count + " reports");
      }
      return (int) reports.ok();
    }
  }

  static double single(int port, String path, byte[] value, int count, int connections) throws Exception {
    return single(port, path, value, count, connections, new long[count]);
  }

  /** {@code count} single-record POSTs spread over {@code connections} keep-alive connections. */
  static double single(int port, String path, byte[] value, int count, int connections, long[] latencies)
      throws Exception {
    byte[] body = ("{\"value\":{\"type\":\"BINARY\",\"data\":\"" + Base64.getEncoder().encodeToString(value) + "\"}}")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] request = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.US_ASCII))
        .getBytes(StandardCharsets.US_ASCII);
    return timed(count, connections, latencies, () -> {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      return new RoundTrip() {
        @Override
        public void once() throws IOException {
          out.write(request);
          out.flush();
          String response = readChunkedResponse(in);
          if (!response.contains("{\"error_code\":200")) {
            throw new IllegalStateException(response);
          }
        }

        @Override
        public void close() throws IOException {
          socket.close();
        }
      };
    });
  }

  /** Reads one response whose body is chunked, up to its last chunk. */
  private static String readChunkedResponse(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    int b;
    while ((b = in.read()) != -1) {
      text.append((char) b);
      int n = text.length();
      if (b == '\n' && n >= 7 && text.substring(n - 7).equals("\r\n0\r\n\r\n")) {
        return text.toString();
      }
    }
    throw new IOException("connection closed: " + text);
  }
}

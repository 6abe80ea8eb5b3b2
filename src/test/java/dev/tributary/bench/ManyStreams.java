package dev.tributary.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Many slow streams at once: {@code streams} connections each send one record per second, from one
 * selector thread, and the time from sending a record to reading its report is recorded. Meanwhile one
 * more client sends records as fast as it can and never reads its reports, to show that a stalled client
 * delays nobody else.
 */
final class ManyStreams {

  private static final class Stream {
    final SocketChannel channel;
    final ArrayDeque<Long> sentAt = new ArrayDeque<>();
    final ByteBuffer in = ByteBuffer.allocate(8192);
    int state; // 0: nothing, 1: saw '}', 2: saw "}\r"
    long nextSend;

    Stream(SocketChannel channel, long firstSend) {
      this.channel = channel;
      this.nextSend = firstSend;
    }
  }

  /** Latencies in nanoseconds of every report received after the warm-up, sorted. */
  static long[] run(int port, String path, int streams, int seconds, int warmupSeconds) throws Exception {
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] record = "{\"value\":{\"type\":\"STRING\",\"data\":\"tick\"}}".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer chunk = ByteBuffer.allocate(64);
    chunk.put((Integer.toHexString(record.length) + "\r\n").getBytes(StandardCharsets.US_ASCII)).put(record)
        .put("\r\n".getBytes(StandardCharsets.US_ASCII)).flip();

    List<Long> latencies = new ArrayList<>();
    try (Selector selector = Selector.open(); Socket stalled = new Socket("127.0.0.1", port)) {
      List<Stream> all = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.socket().setTcpNoDelay(true);
        writeFully(channel, ByteBuffer.wrap(head));
        channel.configureBlocking(false);
        Stream stream = new Stream(channel, 0);
        channel.register(selector, SelectionKey.OP_READ, stream);
        all.add(stream);
      }
      // The schedule starts once every stream is open: stream i sends at i/streams of each second.
      long start = System.nanoTime();
      for (int i = 0; i < streams; i++) {
        all.get(i).nextSend = start + 1_000_000_000L + i * 1_000_000_000L / streams;
      }
      Thread flood = new Thread(() -> flood(stalled, path, record), "stalled-client");
      flood.setDaemon(true);
      flood.start();

      long measureFrom = start + (1L + warmupSeconds) * 1_000_000_000L;
      long end = start + (1L + warmupSeconds + seconds) * 1_000_000_000L;
      while (System.nanoTime() < end) {
        long now = System.nanoTime();
        for (Stream stream : all) {
          if (now >= stream.nextSend) {
            stream.sentAt.add(System.nanoTime());
            writeFully(stream.channel, chunk.duplicate());
            // One record a second; a stream that fell behind skips, rather than sending a burst.
            stream.nextSend = Math.max(stream.nextSend + 1_000_000_000L, now + 500_000_000L);
          }
        }
        selector.select(1);
        for (SelectionKey key : selector.selectedKeys()) {
          Stream stream = (Stream) key.attachment();
          stream.in.clear();
          int read = stream.channel.read(stream.in);
          if (read < 0) {
            throw new IOException("a stream was closed by the server");
          }
          long arrived = System.nanoTime();
          for (int i = 0; i < read; i++) {
            byte b = stream.in.get(i);
            // A report ends with "}\r\n"; nothing else in the response does.
            stream.state = b == '}' ? 1 : (stream.state == 1 && b == '\r') ? 2 : (stream.state == 2 && b == '\n') ? 3 : 0;
            if (stream.state == 3) {
              long sent = stream.sentAt.remove();
              if (sent >= measureFrom) {
                latencies.add(arrived - sent);
              }
              stream.state = 0;
            }
          }
        }
        selector.selectedKeys().clear();
      }
      for (Stream stream : all) {
        stream.channel.close();
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }

  /** Sends records as fast as the connection takes them and never reads a report. */
  private static void flood(Socket socket, String path, byte[] record) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] many = new byte[record.length * 100];
      for (int i = 0; i < 100; i++) {
        System.arraycopy(record, 0, many, i * record.length, record.length);
      }
      byte[] size = (Integer.toHexString(many.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      while (true) {
        out.write(size);
        out.write(many);
        out.write(new byte[] {'\r', '\n'}); // blocks for good once the proxy stops reading this stream
      }
    } catch (IOException closed) {
      // the benchmark is over
    }
  }

  private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        Thread.onSpinWait();
      }
    }
  }

  private ManyStreams() {}
}

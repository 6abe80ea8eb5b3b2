package dev.tributary.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * One HTTP/2 connection to a server (Jetty's HTTP/2 client: clear text with prior knowledge, or TLS with
 * ALPN), on which a test opens produce requests as streams and drives each full duplex, frame by frame:
 * {@link ProduceStream#send} writes a DATA frame now, {@link ProduceStream#readReport} waits for the next
 * report line. Every stream of one client shares its one connection.
 */
public final class H2Client implements AutoCloseable {

  private static final String END = new String("end of response");

  private final HTTP2Client client = new HTTP2Client();
  private final Session session;
  private final String scheme;
  private final String authority;

  private H2Client(String host, int port, SslContextFactory.Client tls) throws Exception {
    if (tls != null) {
      client.addBean(tls); // started and stopped with the client
    }
    client.start();
    this.scheme = tls == null ? "http" : "https";
    this.authority = host + ":" + port;
    InetSocketAddress address = new InetSocketAddress(host, port);
    Session.Listener listener = new Session.Listener() {};
    this.session =
        (tls == null ? client.connect(address, listener) : client.connect(tls, address, listener))
            .get(10, TimeUnit.SECONDS);
  }

  /** A connection with clear-text HTTP/2 (h2c, prior knowledge). */
  public static H2Client h2c(String host, int port) throws Exception {
    return new H2Client(host, port, null);
  }

  /** A connection with HTTP/2 over TLS (h2, by ALPN), trusting {@code tls}'s trust store. */
  public static H2Client h2(String host, int port, SslContextFactory.Client tls) throws Exception {
    return new H2Client(host, port, tls);
  }

  /** Opens a POST of JSON records to {@code path}; nothing of its body is sent yet. */
  public ProduceStream post(String path) throws Exception {
    ProduceStream produce = new ProduceStream();
    MetaData.Request request =
        new MetaData.Request(
            "POST",
            HttpURI.from(scheme + "://" + authority + path),
            HttpVersion.HTTP_2,
            HttpFields.build().put(HttpHeader.CONTENT_TYPE, "application/json"));
    produce.stream = session.newStream(new HeadersFrame(request, null, false), produce).get(10, TimeUnit.SECONDS);
    return produce;
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }

  /** One produce request: a stream of its connection. */
  public static final class ProduceStream implements Stream.Listener {
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private Stream stream;

    /** Writes {@code text} as one DATA frame of the request body, now. */
    public void send(String text) throws Exception {
      stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false))
          .get(10, TimeUnit.SECONDS);
    }

    /** Ends the request body (an empty DATA frame with END_STREAM). */
    public void end() throws Exception {
      stream.data(new DataFrame(stream.getId(), ByteBuffer.allocate(0), true)).get(10, TimeUnit.SECONDS);
    }

    /** The response's status, once its head has arrived. */
    public int status() throws Exception {
      return status.get(30, TimeUnit.SECONDS);
    }

    /** The next report, or null once the response has ended; fails after 30 s without one. */
    public String readReport() throws Exception {
      String line = lines.poll(30, TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("no report within 30 s");
      }
      return line == END ? null : line;
    }

    @Override
    public void onHeaders(Stream stream, HeadersFrame frame) {
      if (frame.getMetaData() instanceof MetaData.Response response) {
        status.complete(response.getStatus());
      }
      if (frame.isEndStream()) {
        lines.add(END);
      } else {
        stream.demand();
      }
    }

    @Override
    public void onDataAvailable(Stream stream) {
      Stream.Data data = stream.readData();
      if (data == null) {
        stream.demand();
        return;
      }
      ByteBuffer bytes = data.frame().getByteBuffer();
      synchronized (partial) {
        while (bytes.hasRemaining()) {
          byte b = bytes.get();
          if (b == '\n') {
            String line = partial.toString(StandardCharsets.UTF_8);
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            partial.reset();
          } else {
            partial.write(b);
          }
        }
      }
      boolean last = data.frame().isEndStream();
      data.release();
      if (last) {
        lines.add(END);
      } else {
        stream.demand();
      }
    }
  }
}

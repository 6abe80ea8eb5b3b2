package dev.tributary.deploy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One HTTP/1.1 client connection for request after request, as user agents keep one: each POST's bytes
 * are written the way its {@link Shape} says, and its response is read to its end before the next
 * request goes on the same connection (or, after {@code Connection: close}, on a new one). Each new
 * connection comes from an address of its own ({@link ClientAddresses}).
 */
final class Connection implements AutoCloseable {

  /**
   * How a request is sent.
   *
   * @param chunked {@code Transfer-Encoding: chunked}, each record its own chunk; else a {@code Content-Length}
   * @param close {@code Connection: close}: the server must close the connection after the response
   * @param trickled the body a while after the headers, a record at a time; else in the headers' write
   * @param expectContinue {@code Expect: 100-continue}: the body waits for the interim 100 (a second at most, as curl does)
   */
  record Shape(boolean chunked, boolean close, boolean trickled, boolean expectContinue) {

    /** The 16 shapes, in an order where each flag changes often. */
    static List<Shape> all() {
      List<Shape> shapes = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        shapes.add(new Shape((i & 1) == 0, (i & 2) != 0, (i & 4) != 0, (i & 8) != 0));
      }
      return shapes;
    }

    @Override
    public String toString() {
      return (chunked ? "chunked" : "content-length") + (close ? ", close" : ", keep-alive")
          + (trickled ? ", trickled" : ", one write") + (expectContinue ? ", expect 100-continue" : "");
    }
  }

  private static final long TRICKLE_PAUSE_MS = 30;

  private final int port;
  private final int timeoutMillis;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  /** @param timeoutMillis how long a response may keep the client waiting for its next byte */
  Connection(int port, int timeoutMillis) {
    this.port = port;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * POSTs the body {@code records} make (concatenated) to {@code path} on this connection, shaped as {@code
   * shape}: chunked, each of {@code records} is a chunk of its own, whatever it holds (a piece of a record,
   * or several). A response that says {@code Connection: close} closes the connection, as clients do.
   */
  RawHttp.Response post(String path, List<String> records, Shape shape) throws IOException, InterruptedException {
    if (socket == null) {
      socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(ClientAddresses.next()), 0);
      socket.setSoTimeout(timeoutMillis);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
    }
    String body = String.join("", records);
    StringBuilder head =
        new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n");
    head.append(shape.chunked() ? "Transfer-Encoding: chunked\r\n"
        : "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
    if (shape.close()) {
      head.append("Connection: close\r\n");
    }
    if (shape.expectContinue()) {
      head.append("Expect: 100-continue\r\n");
    }
    head.append("\r\n");
    if (!shape.trickled() && !shape.expectContinue()) {
      write(head + bodyBytes(records, shape.chunked()));
    } else {
      write(head.toString());
      if (shape.expectContinue()) {
        awaitContinue();
      }
      if (shape.trickled()) {
        for (String record : records) {
          Thread.sleep(TRICKLE_PAUSE_MS); // the shape of the request, not a wait for the server
          write(shape.chunked() ? chunk(record) : record); // an empty piece: an empty write
        }
        if (shape.chunked()) {
          write("0\r\n\r\n");
        }
      } else {
        write(bodyBytes(records, shape.chunked()));
      }
    }
    RawHttp.Response response = RawHttp.read(in);
    if (!shape.close() && "close".equalsIgnoreCase(response.headers().get("connection"))) {
      close();
    } else if (shape.close()) {
      int after = in.read();
      close();
      if (after != -1) {
        throw new IOException("The server kept the connection open after a request with Connection: close");
      }
    }
    return response;
  }

  private static String bodyBytes(List<String> records, boolean chunked) {
    if (!chunked) {
      return String.join("", records);
    }
    StringBuilder body = new StringBuilder();
    records.forEach(record -> body.append(chunk(record)));
    return body.append("0\r\n\r\n").toString();
  }

  /** {@code text} as one chunk; nothing for an empty text, whose chunk would be the body's end. */
  private static String chunk(String text) {
    if (text.isEmpty()) {
      return "";
    }
    return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
  }

  /** Reads the interim {@code 100 Continue} if it comes within a second; RawHttp.read skips one that comes later. */
  private void awaitContinue() throws IOException {
    socket.setSoTimeout(1000);
    try {
      in.mark(1);
      if (in.read() == -1) {
        throw new IOException("The connection closed before the body was sent");
      }
      in.reset();
    } catch (SocketTimeoutException noInterimResponse) {
      // send the body anyway, as clients do
    } finally {
      socket.setSoTimeout(timeoutMillis);
    }
  }

  private void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }
}

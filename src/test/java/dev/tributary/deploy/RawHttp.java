package dev.tributary.deploy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 exchanges on a plain socket from a chosen loopback address, so a server that limits by client
 * IP sees distinct clients (127.0.0.2, 127.0.0.3, ...) on one machine, and a test controls exactly how
 * the request's bytes are written.
 */
final class RawHttp {

  private RawHttp() {}

  /** The status and the whole raw response (head and body) of a GET. */
  record Reply(int status, String text) {}

  /** A response read to its end: status, headers (lower-case names) and the body without chunk framing. */
  record Response(int status, Map<String, String> headers, String body) {}

  static Reply get(String localAddress, int port, String path) throws IOException {
    return get(localAddress, port, path, "Host: 127.0.0.1:" + port);
  }

  /** A GET with exactly {@code headers} (and {@code Connection: close}), e.g. a Host of the test's. */
  static Reply get(String localAddress, int port, String path, String... headers) throws IOException {
    try (Socket socket = connect(localAddress, port)) {
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      out.write(request.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return new Reply(Integer.parseInt(text.split(" ", 3)[1]), text);
    }
  }

  /**
   * Writes {@code request} (head and body) with one {@code write} call, then reads the response to its
   * end: its last chunk, or its {@code Content-Length}. A response that never ends fails after 30 s.
   */
  static Response exchange(int port, String request) throws IOException {
    try (Socket socket = connect("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    }
  }

  /**
   * Reads one response to its end (its last chunk, or its {@code Content-Length}, or the connection's end
   * for neither), skipping interim 1xx responses; the connection may carry another after it.
   */
  static Response read(InputStream in) throws IOException {
    String statusLine;
    Map<String, String> headers = new LinkedHashMap<>();
    do {
      statusLine = line(in);
      headers.clear();
      String header;
      while (!(header = line(in)).isEmpty()) {
        int colon = header.indexOf(':');
        headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
      }
    } while (statusLine.split(" ")[1].startsWith("1"));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      int size;
      while ((size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0) {
        body.write(in.readNBytes(size));
        line(in);
      }
      line(in);
    } else if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else {
      body.write(in.readAllBytes());
    }
    return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
  }

  private static Socket connect(String localAddress, int port) throws IOException {
    Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0);
    socket.setSoTimeout(30_000);
    return socket;
  }

  /** One line of the response's framing, without its line end; fails if the connection ends first. */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    if (b == -1) {
      throw new IOException("The connection closed before the response ended");
    }
    return line.toString();
  }
}

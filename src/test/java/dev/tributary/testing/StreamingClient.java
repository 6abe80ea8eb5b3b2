package dev.tributary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A full-duplex HTTP/1.1 client on a plain socket: it sends a chunked POST a piece at a time and reads
 * the response while the request body is still open. (java.net.http sends the whole body first.)
 */
public final class StreamingClient implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private int status = -1;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private boolean chunked;
  private final StringBuilder pending = new StringBuilder();
  private boolean ended;
  private boolean terminated; // the chunked body's last chunk arrived
  /** Jetty sends a chunk's closing CRLF with the next chunk, so it is read lazily, before the next. */
  private boolean chunkOpen;

  private StreamingClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** Opens a connection and sends the request line and headers of a chunked POST to {@code path}. */
  public static StreamingClient open(int port, String path) throws IOException {
    return open("127.0.0.1", port, path);
  }

  /**
   * Like {@link #open(int, String)}, from the loopback address {@code localAddress} (e.g. 127.0.0.2),
   * so that servers which limit by client IP see a client of its own.
   */
  public static StreamingClient open(String localAddress, int port, String path) throws IOException {
    return open(localAddress, port, path, Map.of());
  }

  /** Like {@link #open(String, int, String)}, with {@code extraHeaders} in the request. */
  public static StreamingClient open(String localAddress, int port, String path, Map<String, String> extraHeaders)
      throws IOException {
    Socket socket =
        new Socket(
            java.net.InetAddress.getByName("127.0.0.1"), port, java.net.InetAddress.getByName(localAddress), 0);
    socket.setSoTimeout(30_000);
    StreamingClient client = new StreamingClient(socket);
    StringBuilder head =
        new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
    extraHeaders.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    client.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    client.out.flush();
    return client;
  }

  /** Sends {@code text} as one chunk. */
  public void send(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Ends the request body. */
  public void end() throws IOException {
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Waits for the next report line; null when the response ended. */
  public String readReport() throws IOException {
    readHead();
    while (true) {
      int newline = pending.indexOf("\r\n");
      if (newline >= 0) {
        String line = pending.substring(0, newline);
        pending.delete(0, newline + 2);
        return line;
      }
      if (ended || !readBodyPiece()) {
        ended = true;
        return null;
      }
    }
  }

  /** The rest of the response body, whatever its shape (a whole-request error has no line end). */
  public String body() throws IOException {
    readHead();
    while (!ended && readBodyPiece()) {
      // collects into pending
    }
    ended = true;
    String rest = pending.toString();
    pending.setLength(0);
    return rest;
  }

  /** Every report line until the response ends. */
  public List<String> readAll() throws IOException {
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = readReport()) != null) {
      lines.add(line);
    }
    return lines;
  }

  /**
   * Starts a thread that reads reports while they are 200s, adding one to {@code confirmed} for each: it
   * stops at the first other report, at the response's end, or when the connection is cut (what was
   * confirmed then is what a client knows was produced).
   */
  public Thread countConfirmed(java.util.concurrent.atomic.AtomicInteger confirmed) {
    Thread reader =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = readReport()) != null && line.startsWith("{\"error_code\":200,")) {
                  confirmed.incrementAndGet();
                }
              } catch (IOException cut) {
                // the count so far is what the client knows
              }
            },
            "confirmed-reports");
    reader.start();
    return reader;
  }

  /** Whether the response ended as HTTP says a chunked one ends (its last chunk), not cut off. */
  public boolean endedCleanly() {
    return terminated;
  }

  public int status() throws IOException {
    readHead();
    return status;
  }

  public Map<String, String> headers() throws IOException {
    readHead();
    return headers;
  }

  private void readHead() throws IOException {
    if (status >= 0) {
      return;
    }
    String statusLine = readLine();
    status = Integer.parseInt(statusLine.split(" ")[1]);
    String line;
    while (!(line = readLine()).isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
    }
    chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
  }

  /** Reads one chunk (or, without chunking, what is available) into {@code pending}. */
  private boolean readBodyPiece() throws IOException {
    if (chunked) {
      if (chunkOpen) {
        readLine();
        chunkOpen = false;
      }
      String size = readLine();
      if (size == null) {
        return false;
      }
      int length = Integer.parseInt(size.split(";")[0].trim(), 16);
      if (length == 0) {
        readLine();
        terminated = true;
        return false;
      }
      byte[] data = in.readNBytes(length);
      chunkOpen = true;
      pending.append(new String(data, StandardCharsets.UTF_8));
      return true;
    }
    byte[] buffer = new byte[8192];
    int read = in.read(buffer);
    if (read < 0) {
      return false;
    }
    pending.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
    return true;
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        int last = line.length() - 1;
        if (last >= 0 && line.charAt(last) == '\r') {
          line.setLength(last);
        }
        return line.toString();
      }
      line.append((char) b);
    }
    return line.length() == 0 ? null : line.toString();
  }

  /** Drops the connection without ending the body: a client that vanished. */
  public void abort() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  /** Closes the connection, from any thread (a blocked write then fails); never throws. */
  public void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed anyway
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

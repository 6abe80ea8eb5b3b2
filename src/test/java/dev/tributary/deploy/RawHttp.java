package dev.tributary.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange on its own connection from a chosen loopback address, so a server that limits
 * by client IP sees distinct clients (127.0.0.2, 127.0.0.3, ...) on one machine.
 */
final class RawHttp {

  private RawHttp() {}

  /** The status and the whole raw response (head and body) of a GET. */
  record Reply(int status, String text) {}

  static Reply get(String localAddress, int port, String path) throws IOException {
    try (Socket socket =
        new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return new Reply(Integer.parseInt(text.split(" ", 3)[1]), text);
    }
  }
}

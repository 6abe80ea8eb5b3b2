package dev.tributary.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The TCP sockets of this machine, from Linux's {@code /proc/net/tcp} and {@code tcp6}: how the
 * deployment tests see connections a server has left half-closed.
 */
final class ServerSockets {

  /** The kernel's code for CLOSE_WAIT: the peer closed, this side has not. */
  private static final String CLOSE_WAIT = "08";

  private ServerSockets() {}

  /** How many sockets whose local port is {@code port} are in CLOSE_WAIT: connections the server never closed. */
  static long closeWait(int port) throws IOException {
    long count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        // fields[1] is local address:port in hex, fields[3] the state.
        String local = fields[1];
        int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        if (localPort == port && fields[3].equals(CLOSE_WAIT)) {
          count++;
        }
      }
    }
    return count;
  }
}

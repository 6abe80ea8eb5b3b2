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
    return count(fields -> port(fields[1]) == port && fields[3].equals(CLOSE_WAIT));
  }

  /** How many sockets of this machine are connected to {@code port}: clients' ends of connections to it. */
  static long connectedTo(int port) throws IOException {
    return count(fields -> port(fields[2]) == port && fields[3].equals(ESTABLISHED));
  }

  /** The kernel's code for ESTABLISHED. */
  private static final String ESTABLISHED = "01";

  /** The port of an address:port in the tables' hex. */
  private static int port(String address) {
    return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
  }

  /**
   * How many sockets' lines match: fields[1] is the local address:port, fields[2] the remote one, fields[3]
   * the state.
   */
  private static long count(java.util.function.Predicate<String[]> matches) throws IOException {
    long count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        if (matches.test(line.trim().split("\\s+"))) {
          count++;
        }
      }
    }
    return count;
  }
}

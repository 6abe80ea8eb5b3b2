package dev.tributary.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Free loopback ports, for servers the tests start and for addresses no one listens on. */
public final class Ports {

  private static final Random RANDOM = new Random();

  private Ports() {}

  /**
   * A port free now, as the kernel hands it out ({@code new ServerSocket(0)}): from its ephemeral range,
   * so one of the tests' own outgoing connections may take it before it is bound. Nothing listens there
   * once it is returned.
   */
  public static int freeEphemeral() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /**
   * A port free now, below the kernel's range of ephemeral ports: unlike {@link #freeEphemeral}, it cannot
   * meanwhile become the local port of one of the tests' own outgoing connections, which would keep a
   * server from binding it.
   */
  public static int freeBelowEphemeral() throws IOException {
    int below = ephemeralPortsStart();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 10_000 + RANDOM.nextInt(below - 10_000);
      try (ServerSocket socket = new ServerSocket(port)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("No free port between 10000 and " + below);
  }

  private static int ephemeralPortsStart() {
    try {
      // A line reader: /proc files report no size, which Files.readString trusts.
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
      return Integer.parseInt(range.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768; // Linux's default
    }
  }
}

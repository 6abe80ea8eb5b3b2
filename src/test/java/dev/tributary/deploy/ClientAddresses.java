package dev.tributary.deploy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback addresses (127.1.x.y) handed out one per client connection, so that a server's per-address
 * limits (Tomcat's RateLimitFilter, Jetty's DoSFilter, as the README sets them) never count a case's many
 * requests as one client's.
 */
final class ClientAddresses {

  private static final AtomicInteger NEXT = new AtomicInteger();

  private ClientAddresses() {}

  static String next() {
    int n = NEXT.getAndIncrement();
    return "127.1." + (n / 250 % 250) + "." + (1 + n % 250);
  }
}

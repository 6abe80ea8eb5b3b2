package dev.tributary.clusters;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where a {@code self} link points: the URL a client reaches this proxy at, never a name a client
 * merely claimed.
 *
 * <p>In order:
 *
 * <ol>
 *   <li>{@code advertised.listeners}, if set: the listener whose scheme is the request's, else the first.
 *       A listener with a path stands for the context path (a reverse proxy that maps its own prefix).
 *   <li>The request as the container rewrote it from {@code Forwarded} or {@code X-Forwarded-*} headers,
 *       where the operator told it to: Tomcat's {@code RemoteIpValve} marks such a request ({@code
 *       org.apache.tomcat.request.forwarded}), and so does the {@code jetty-base}'s {@code
 *       tributary-forwarded} module (Jetty's {@code forwarded} module plus {@link
 *       dev.tributary.jetty.ForwardedMarker}). Other containers mark nothing: behind a proxy, set
 *       {@code advertised.listeners}.
 *   <li>Otherwise the local address and port the request's connection reached. The {@code Host}
 *       header is the client's to choose ({@code Host: evil.example:666}), so it is never echoed; and
 *       forwarding headers the container was not told to trust are ignored, as the container ignores them.
 * </ol>
 */
public final class SelfLinks {

  /** Set by every container on a request that came over TLS (Servlet 6.0, section 3.10). */
  private static final String CIPHER_SUITE = "jakarta.servlet.request.cipher_suite";

  /** Set on the requests they rewrote by Tomcat's RemoteIpValve and by the jetty-base's marker. */
  private static final List<String> FORWARDED_MARKS =
      List.of("org.apache.tomcat.request.forwarded", "dev.tributary.request.forwarded");

  private final List<URI> advertised;

  public SelfLinks(List<URI> advertised) {
    this.advertised = List.copyOf(advertised);
  }

  /** The absolute URL of {@code path}, a path under the context path (e.g. {@code /v3/clusters}). */
  public String of(HttpServletRequest request, String path) {
    if (!advertised.isEmpty()) {
      URI listener = advertised.stream()
          .filter(uri -> uri.getScheme().equalsIgnoreCase(request.getScheme()))
          .findFirst()
          .orElse(advertised.get(0));
      String prefix = listener.getRawPath() == null || listener.getRawPath().isEmpty()
          ? request.getContextPath()
          : listener.getRawPath();
      return origin(listener.getScheme(), listener.getHost(), listener.getPort()) + prefix + path;
    }
    if (rewrittenByContainer(request)) {
      return origin(request.getScheme(), request.getServerName(), request.getServerPort())
          + request.getContextPath() + path;
    }
    String scheme = request.getAttribute(CIPHER_SUITE) != null ? "https" : "http"; // the connection's own
    return origin(scheme, request.getLocalAddr(), request.getLocalPort()) + request.getContextPath() + path;
  }

  /**
   * Whether the container marked the request as rewritten from the forwarding headers of a proxy the
   * operator told it to trust. Nothing else counts: Open Liberty, for one, takes {@code X-Forwarded-Proto}
   * from any client by default, so a scheme or a host that differs from the connection's proves nothing.
   */
  private static boolean rewrittenByContainer(HttpServletRequest request) {
    return FORWARDED_MARKS.stream().anyMatch(mark -> Boolean.TRUE.equals(request.getAttribute(mark)));
  }

  private static String origin(String scheme, String host, int port) {
    String lowerScheme = scheme.toLowerCase(Locale.ROOT);
    String name = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    boolean defaultPort = port < 0 || (lowerScheme.equals("http") && port == 80) || (lowerScheme.equals("https") && port == 443);
    return lowerScheme + "://" + name + (defaultPort ? "" : ":" + port);
  }
}

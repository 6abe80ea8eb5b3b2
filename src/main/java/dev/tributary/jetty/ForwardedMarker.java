package dev.tributary.jetty;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Marks a request that Jetty's {@code ForwardedRequestCustomizer} has rewritten from its {@code
 * Forwarded} or {@code X-Forwarded-*} headers, so Tributary's self links may name what those headers
 * say (Tomcat's {@code RemoteIpValve} marks such requests itself). For the shipped {@code jetty-base}'s
 * {@code tributary-forwarded} module, which adds it after Jetty's {@code forwarded} module's customizer:
 * that customizer applies any such header, so a request that has one was rewritten.
 */
public final class ForwardedMarker implements HttpConfiguration.Customizer {

  /** The request attribute: {@link Boolean#TRUE} on a request the container rewrote. */
  public static final String ATTRIBUTE = "dev.tributary.request.forwarded";

  @Override
  public Request customize(Request request, HttpFields.Mutable responseHeaders) {
    for (HttpField field : request.getHeaders()) {
      String name = field.getName();
      if (name.equalsIgnoreCase("Forwarded") || name.regionMatches(true, 0, "X-Forwarded-", 0, 12)) {
        request.setAttribute(ATTRIBUTE, Boolean.TRUE);
        break;
      }
    }
    return request;
  }
}

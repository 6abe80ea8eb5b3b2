package dev.tributary.api;

import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /openapi.yaml}: the API document this proxy implements, with what it adds (the {@code /v3}
 * paths, cluster discovery, health, metrics, Basic authentication, every error code it reports). A test
 * keeps the document and the resources in step.
 *
 * <p>The document's {@code servers} entry names the context path the WAR is deployed at ({@code /} or,
 * say, {@code /tributary}), so a client generated from it calls the right paths.
 */
@Path("openapi.yaml")
public final class OpenApiResource {

  /** Where the document is, on the class path. */
  public static final String DOCUMENT = "/dev/tributary/api/openapi.yaml";

  /** The document's one {@code servers} entry, as stored: the root context. */
  static final String SERVERS = "\nservers:\n- url: /\n";

  private final String document;

  public OpenApiResource() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
      if (in == null) {
        throw new IllegalStateException(DOCUMENT + " is missing from the WAR");
      }
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!document.contains(SERVERS)) {
      throw new IllegalStateException(DOCUMENT + " has no servers entry of " + SERVERS.trim());
    }
  }

  @GET
  @Produces("application/yaml")
  public byte[] document(@Context ServletContext context) {
    String contextPath = context.getContextPath();
    String served =
        contextPath.isEmpty() ? document : document.replace(SERVERS, "\nservers:\n- url: " + contextPath + "\n");
    return served.getBytes(StandardCharsets.UTF_8);
  }
}

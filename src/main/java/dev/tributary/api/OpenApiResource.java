package dev.tributary.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml}: the API document this proxy implements, with what it adds (the {@code /v3}
 * paths, cluster discovery, health, metrics, Basic authentication, every error code it reports). A test
 * keeps the document and the resources in step.
 */
@Path("openapi.yaml")
public final class OpenApiResource {

  /** Where the document is, on the class path. */
  public static final String DOCUMENT = "/dev/tributary/api/openapi.yaml";

  private final byte[] document;

  public OpenApiResource() {
    try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
      if (in == null) {
        throw new IllegalStateException(DOCUMENT + " is missing from the WAR");
      }
      document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GET
  @Produces("application/yaml")
  public byte[] document() {
    return document.clone();
  }
}

package dev.tributary;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.core.Context;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The JAX-RS application the Jersey servlet in {@code web.xml} serves: the instances {@link
 * TributaryApplication} built, the JSON provider and the error mapper. Nothing is scanned.
 */
public final class RestApplication extends ResourceConfig {

  public RestApplication(@Context ServletContext context) {
    ObjectMapper mapper = null;
    for (Object component : TributaryApplication.components(context)) {
      if (component instanceof ObjectMapper m) {
        mapper = m;
      } else {
        register(component);
      }
    }
    register(new JacksonJsonProvider(mapper));
    // Reports are flushed one by one as they become ready; Jersey must not hold them back to compute a
    // Content-Length.
    property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
    property(ServerProperties.WADL_FEATURE_DISABLE, true);
  }
}

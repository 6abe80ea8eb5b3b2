package dev.tributary;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jakarta.rs.json.JacksonJsonProvider;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glassfish.jersey.CommonProperties;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The JAX-RS application: the resources and the error mapper {@link TributaryApplication} built, as
 * instances, and the JSON provider over this proxy's one mapper. Nothing is scanned or discovered.
 *
 * <p>Resources are given as classes bound to their instances, not as instances alone: Jersey takes an
 * instance it was given for a provider, and warns that it is not one (Jersey issue 3700).
 *
 * <p>Why discovery is off: on a full application server (Payara, WildFly) the server's own JAX-RS
 * providers are visible to the WAR's class loader, and Jersey's auto-discovery would register them, so
 * JSON-B, not this proxy's Jackson mapper, would write the bodies.
 */
final class RestApplication extends Application {

  private final Set<Class<?>> resources = new HashSet<>();
  private final Set<Object> singletons = new HashSet<>();

  /** @param components resources (classes annotated with {@code @Path}) and providers */
  RestApplication(List<Object> components, ObjectMapper mapper) {
    List<Object> resourceInstances = new ArrayList<>();
    for (Object component : components) {
      if (component.getClass().isAnnotationPresent(Path.class)) {
        resources.add(component.getClass());
        resourceInstances.add(component);
      } else {
        singletons.add(component);
      }
    }
    singletons.add(new JacksonJsonProvider(mapper));
    singletons.add(
        new AbstractBinder() {
          @Override
          protected void configure() {
            for (Object resource : resourceInstances) {
              bindAs(resource);
            }
          }

          private <T> void bindAs(T resource) {
            @SuppressWarnings("unchecked")
            Class<T> type = (Class<T>) resource.getClass();
            bind(resource).to(type);
          }
        });
  }

  @Override
  public Set<Class<?>> getClasses() {
    return Set.copyOf(resources);
  }

  @Override
  public Set<Object> getSingletons() {
    return Set.copyOf(singletons);
  }

  @Override
  public Map<String, Object> getProperties() {
    return Map.of(
        // Reports are flushed one by one as they become ready; Jersey must not hold them back to compute
        // a Content-Length.
        ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0,
        ServerProperties.WADL_FEATURE_DISABLE, true,
        CommonProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true,
        CommonProperties.JSON_BINDING_FEATURE_DISABLE, true,
        CommonProperties.JSON_PROCESSING_FEATURE_DISABLE, true,
        CommonProperties.MOXY_JSON_FEATURE_DISABLE, true,
        // An error status is set, not sent with sendError: the error mapper writes every body, and a
        // response a failed connection left uncommitted is completed at once. With sendError, Jersey
        // waits for response headers it will never write, on the container thread that reported the
        // failure (a Jetty selector thread, seen stopping a server with a stream open).
        ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
  }
}

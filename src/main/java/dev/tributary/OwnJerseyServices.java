package dev.tributary;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.glassfish.jersey.internal.ServiceFinder;

/**
 * Finds Jersey's {@code META-INF/services} implementations as Jersey does, but only those of the WAR's
 * own Jersey: an implementation that cannot be assigned to the service type belongs to another copy of
 * Jersey, and is skipped.
 *
 * <p>Why: a full Jakarta EE server (Payara, GlassFish) ships its own Jersey, and its service files are
 * visible through the WAR's class loader. Jersey loads some services (its forced auto-discoverables, such
 * as the server's JSON-B support) whatever its configuration says, and a class from the server's copy
 * fails the WAR's Jersey with a {@code ClassCastException}. The hook this uses is the one Jersey offers
 * for class-loader environments of its own kind (OSGi). It holds for this WAR only: Jersey keeps it in a
 * static field of the WAR's copy.
 */
final class OwnJerseyServices extends ServiceFinder.ServiceIteratorProvider {

  private final ServiceFinder.DefaultServiceIteratorProvider jersey = new ServiceFinder.DefaultServiceIteratorProvider();

  /** Makes this WAR's Jersey use only its own services from now on. */
  static void install() {
    ServiceFinder.setIteratorProvider(new OwnJerseyServices());
  }

  @Override
  public <T> Iterator<T> createIterator(
      Class<T> service, String serviceName, ClassLoader loader, boolean ignoreOnClassNotFound) {
    List<T> own = new ArrayList<>();
    Iterator<Class<T>> classes = createClassIterator(service, serviceName, loader, ignoreOnClassNotFound);
    while (classes.hasNext()) {
      Class<T> type = classes.next();
      try {
        own.add(type.getDeclaredConstructor().newInstance());
      } catch (ReflectiveOperationException | LinkageError e) {
        if (!ignoreOnClassNotFound) {
          throw new IllegalStateException("Cannot create the Jersey service " + type.getName(), e);
        }
      }
    }
    return own.iterator();
  }

  @Override
  public <T> Iterator<Class<T>> createClassIterator(
      Class<T> service, String serviceName, ClassLoader loader, boolean ignoreOnClassNotFound) {
    List<Class<T>> own = new ArrayList<>();
    jersey.createClassIterator(service, serviceName, loader, ignoreOnClassNotFound).forEachRemaining(type -> {
      if (service.isAssignableFrom(type)) {
        own.add(type);
      }
    });
    return own.iterator();
  }
}

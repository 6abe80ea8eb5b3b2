package dev.tributary.produce.body;

import dev.tributary.produce.flow.DrainLoop;
import jakarta.annotation.Nullable;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A request body's input, read with servlet non-blocking I/O: what the container has now, without ever
 * waiting for more. Not thread-safe: one thread reads at a time (the {@link BodyReader}'s loop).
 *
 * <p>The rules of the Servlet 6.0 specification it follows, and nothing beyond them:
 *
 * <ul>
 *   <li>{@code read} is called only right after {@code isReady()} returned true. When {@code isReady()}
 *       returns false, the container calls {@code onDataAvailable} or {@code onAllDataRead} later, so
 *       no thread waits for bytes.
 *   <li>The end of the body is {@code onAllDataRead}, or a {@code read()} of -1 after {@code isReady()}
 *       returned true, never {@code isFinished()} alone: Tomcat and Undertow answer {@code isReady() ==
 *       false} once the body is finished (a non-blocking reader never sees -1 there) and then call {@code
 *       onAllDataRead}; Jetty and Open Liberty answer {@code isReady() == true} and then -1. Payara's
 *       {@code isFinished()} may turn true while the body's last bytes are still on their way into its
 *       buffer, so it only prompts the question below.
 *   <li>When {@code isReady()} returns false but {@code isFinished()} true, {@code isReady()} is asked
 *       once more, right then: Open Liberty learns of an end it had already received only while asked
 *       {@code isReady()}, then answers true (and the read returns -1), and would never call {@code
 *       onAllDataRead} for a reading that runs on a thread of ours. The others answer false again, and
 *       call {@code onAllDataRead}.
 *   <li>Once {@code onAllDataRead} has been called, the whole body has arrived: what is left is read as
 *       far as {@code available()} says (which cannot block), without asking {@code isReady()} again.
 *       Payara and Open Liberty may call it with the last bytes still unread (after a paused {@code
 *       onDataAvailable}), and Payara fails an {@code isReady()} asked inside it once nothing is left.
 *   <li>{@code isReady()} may itself call {@code onAllDataRead} on the calling thread (Undertow does):
 *       the reader's loop goes round once more then ({@link DrainLoop}).
 *   <li>Open Liberty (25.0.0.11) breaks one rule, and is worked around: an {@code isReady()} that finds
 *       nothing buffered starts an asynchronous read and only then notes it as outstanding; asked on a
 *       thread outside its callbacks, the read can complete on a container thread in between, and the note
 *       then outlives it: {@code isReady()} answers false ever after and no callback comes (a stream hung
 *       about once in a hundred requests). Its completion calls the listener holding a lock its input
 *       stream hands out ({@code getCompleteLockObj()}); {@code isReady()} is asked holding that lock, so
 *       the completion waits until the note is made. Liberty's own first read, started by {@code
 *       setReadListener}, holds the stream's other lock ({@code getLockObj()}, which {@code isReady()}
 *       takes too) and completes inside it; so that lock is taken first, then the completion's, in
 *       Liberty's order. Taken the other way round, a request refused at once (its rest discarded on the
 *       resource method's thread while that first read ran) deadlocked the two threads and never got its
 *       answer. Every other container's stream has no such methods, and its {@code isReady()} is asked as
 *       it is.
 * </ul>
 *
 */
final class ServletBody {

  /** {@link #read}'s answer when nothing has arrived yet: the container calls the read listener later. */
  static final int WAIT = -2;

  private final ServletInputStream in;
  /** The lock the container holds while it completes a read and calls the listener; null if unknown. */
  private final Object callbackLock;
  /** The lock taken before {@link #callbackLock}: the input stream's own (Liberty's), else that same lock. */
  private final Object firstLock;
  private volatile boolean allArrived;

  ServletBody(ServletInputStream in) {
    this.in = in;
    this.callbackLock = lock(in, "getCompleteLockObj");
    Object streamLock = lock(in, "getLockObj");
    this.firstLock = streamLock != null ? streamLock : callbackLock;
  }

  /** The container called {@code onAllDataRead}: the whole body has arrived. */
  void allArrived() {
    allArrived = true;
  }

  /**
   * Reads into {@code buffer} what the container has now, by the rules in the class comment.
   *
   * @return the bytes read, -1 at the body's end, or {@link #WAIT} when the container has nothing yet
   */
  int read(byte[] buffer) throws IOException {
    if (allArrived) {
      int available = in.available(); // cannot block: the whole body has arrived
      return available > 0 ? in.read(buffer, 0, Math.min(available, buffer.length)) : -1;
    }
    if (!isReady() && !(in.isFinished() && isReady())) {
      return WAIT;
    }
    return in.read(buffer); // -1 when ready at the end: some containers say so this way
  }

  /** {@code in.isReady()}, asked holding the container's locks where it has them (see the class comment). */
  private boolean isReady() {
    if (callbackLock == null) {
      return in.isReady();
    }
    synchronized (firstLock) {
      synchronized (callbackLock) {
        return in.isReady();
      }
    }
  }

  /**
   * One of the locks Open Liberty's input stream ({@code SRTInputStream31}) hands out by a public method
   * of that name; null for every other container, and if it is ever removed.
   */
  @Nullable
  static Object lock(ServletInputStream in, String method) {
    Method getter = LOCK_GETTERS.get(in.getClass()).get(method);
    if (getter == null) {
      return null;
    }
    try {
      return getter.invoke(in);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Each input stream class's lock getters, looked up once per class: a lookup that fails throws, and
   * every other container's request would pay for two.
   */
  private static final ClassValue<Map<String, Method>> LOCK_GETTERS =
      new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
          Map<String, Method> getters = new HashMap<>();
          for (String name : List.of("getCompleteLockObj", "getLockObj")) {
            try {
              getters.put(name, type.getMethod(name));
            } catch (NoSuchMethodException | RuntimeException e) {
              // not Liberty's: no such lock
            }
          }
          return Map.copyOf(getters);
        }
      };

  /** Whether a read failure the container reported is its idle timeout, rather than a broken body. */
  static boolean isTimeout(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }
}

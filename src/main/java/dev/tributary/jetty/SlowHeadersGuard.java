package dev.tributary.jetty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes HTTP/1.1 connections whose request line and headers take longer than a timeout to arrive (a
 * "slowloris" client sends them a byte at a time, so the idle timeout never fires). For the shipped
 * {@code jetty-base}; it runs in Jetty's server class loader, not in the WAR (the WAR leaves this package
 * out).
 *
 * <p>Once a second it looks at each open connection's parser: one that has begun a request's headers and
 * not finished them, for the same request, for longer than the timeout is closed. A request whose
 * headers are complete is never touched, so a full-duplex stream that pauses between records is not;
 * its body is bounded by the WAR ({@code streaming.record.arrival.max.ms}) and by the idle timeout.
 *
 * <p>Added to every connector as a bean ({@code etc/tributary-slow-clients.xml}), which makes it a
 * {@link Connection.Listener} of each connection the connector opens.
 */
public final class SlowHeadersGuard extends ContainerLifeCycle implements Connection.Listener {

  private record Watch(long since, long messages) {}

  private final long timeoutNanos;
  private final Scheduler scheduler = new ScheduledExecutorScheduler("jetty-slow-headers-guard", true);
  private final Map<HttpConnection, Watch> open = new ConcurrentHashMap<>();
  private volatile Scheduler.Task next;

  /** @param timeoutMillis how long a request's line and headers may take to arrive */
  public SlowHeadersGuard(long timeoutMillis) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    addBean(scheduler);
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    next = scheduler.schedule(this::check, 1, TimeUnit.SECONDS);
  }

  @Override
  protected void doStop() throws Exception {
    Scheduler.Task task = next;
    if (task != null) {
      task.cancel();
    }
    super.doStop();
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      open.put(http, new Watch(0, -1));
    }
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  private void check() {
    long now = System.nanoTime();
    open.replaceAll(
        (connection, watch) -> {
          HttpParser parser = connection.getParser();
          boolean inHeaders = parser.inHeaderState() && !parser.isStart();
          if (!inHeaders) {
            return new Watch(0, -1);
          }
          long messages = connection.getMessagesIn();
          if (watch.messages() != messages || watch.since() == 0) {
            return new Watch(now, messages); // a request's headers began since the last look
          }
          if (now - watch.since() > timeoutNanos) {
            connection.getEndPoint().close();
          }
          return watch;
        });
    if (isRunning()) {
      next = scheduler.schedule(this::check, 1, TimeUnit.SECONDS);
    }
  }
}

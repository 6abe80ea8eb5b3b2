package dev.tributary.produce;

import dev.tributary.produce.reports.ResponseOutput;
import jakarta.annotation.Nullable;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One produce request's servlet exchange, and the rule that decides who answers it and how it ends.
 *
 * <p>What Jersey owns: the asynchronous exchange itself. It starts it (for the {@link Suspended}
 * resource method), sets its timeout, keeps a listener on it and completes it, through the suspended
 * {@link AsyncResponse}. This proxy never calls {@code AsyncContext.complete()}: Jersey 3.1 completes
 * the context again when it learns that someone else did, and a second completion is illegal. What the
 * stream owns: the request's input and the response's output, with servlet non-blocking I/O, from the
 * first record on.
 *
 * <p>The exchange has one owner at a time, changed only by compare-and-set: JAX-RS until the first record
 * arrives, and answers a failure through the exception mapper ({@link #answer}); the stream from then on
 * ({@link #takeOver}); then no one ({@link #end}). Whoever ends it resumes the {@link AsyncResponse}, so
 * Jersey completes the exchange exactly once. The stream resumes it only after its last write is done,
 * with an empty response: Jersey then writes nothing (the response is already committed) and completes.
 *
 * <p>The rules of the Servlet 6.0 specification this relies on, and nothing beyond them:
 *
 * <ul>
 *   <li>{@code AsyncContext.addListener} and {@code setTimeout} may be called only during the container
 *       dispatch in which {@code startAsync} was called. Jersey calls {@code startAsync} before the
 *       resource method runs, and {@link #begin} runs in that method: the listener is registered and the
 *       timeout switched off there, never later.
 *   <li>{@code AsyncContext.getRequest} and {@code getResponse} may not be used once the exchange is
 *       completed: the request, the response and the input stream are taken in {@link #begin}.
 *   <li>The response's {@code WriteListener} is set on a thread of the proxy's (the stream's worker),
 *       never inside one of the container's read callbacks. The specification lets it be set from any
 *       thread once the exchange is asynchronous; set inside a callback, the container owes the first
 *       {@code onWritePossible} once that callback returns, and Tomcat (10.1.24 and later, 11) loses it
 *       when the same callback reads a chunked body's end: the end's dispatch runs the pending ones on
 *       a processor that has no request, and the stream waits for a call that never comes. (Seen as
 *       every chunked request answered with nothing once its topic was cached.) Set from any other
 *       thread, Tomcat still lost it about one request in 400 when a read callback of the container's
 *       met the body's end meanwhile; so nothing is read between setting the listener and the first
 *       {@code onWritePossible} ({@link Window#writerSetting}).
 *   <li>When a connection fails, the container calls {@code onError} on the read listener, the write
 *       listener or this {@link AsyncListener}, and completes the exchange itself if no listener does.
 *       The exchange is ended inside that callback ({@link #failed}), so the container never completes it
 *       behind Jersey's back, and the stream's output stops from then on ({@link #isOpen}). If another
 *       thread is ending it at that moment (the stream's last write just done, or its write failing
 *       too), the callback waits for that to finish, so the container does not complete and recycle the
 *       response while Jersey is still completing it. It waits a bounded time: should a container call
 *       it while holding a lock Jersey's completion needs, the exchange is left to the container.
 * </ul>
 *
 * Thread-safe.
 */
final class Exchange implements AsyncListener, ResponseOutput {

  /** Who may end the exchange now. */
  private enum Owner {
    JAXRS,
    STREAM,
    ENDED
  }

  /** What the exchange tells its stream about the container's side. */
  interface Listener {
    /** The connection failed or the container completed the exchange: no one can be answered any more. */
    void exchangeLost(Throwable error);
  }

  private final AsyncResponse jaxrs;
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final ServletInputStream input;
  @Nullable private volatile ServletOutputStream output; // set once the stream takes over
  /** The longest a container's error callback waits for an end in progress on another thread. */
  private static final long END_WAIT_SECONDS = 5;

  private final AtomicReference<Owner> owner = new AtomicReference<>(Owner.JAXRS);
  /** Held while the exchange is being answered or ended: see the class comment. */
  private final ReentrantLock ending = new ReentrantLock();
  private final Map<String, String> headers = new ConcurrentHashMap<>();
  /** Completes once the container has completed the exchange. */
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  @Nullable private volatile Listener listener; // set before the stream reads

  private Exchange(AsyncContext async, AsyncResponse jaxrs, ServletInputStream input) {
    this.jaxrs = jaxrs;
    this.request = (HttpServletRequest) async.getRequest();
    this.response = (HttpServletResponse) async.getResponse();
    this.input = input;
  }

  /**
   * Takes over the exchange Jersey suspended as {@code jaxrs}. Must run on the container's thread, in the
   * dispatch that called the resource method.
   *
   * @throws IllegalStateException if the request is not asynchronous (the servlet is not async-supported)
   */
  static Exchange begin(HttpServletRequest request, AsyncResponse jaxrs) throws IOException {
    AsyncContext async = request.getAsyncContext();
    async.setTimeout(0); // a stream's maximum age is its own limit, not the container's asynchronous timeout
    Exchange exchange = new Exchange(async, jaxrs, async.getRequest().getInputStream());
    async.addListener(exchange);
    return exchange;
  }

  /** Tells {@code listener} when the connection fails; set before the stream reads. */
  void listen(Listener listener) {
    this.listener = listener;
  }

  HttpServletRequest request() {
    return request;
  }

  ServletInputStream input() {
    return input;
  }

  /**
   * Answers the request as a whole with {@code failure}, through JAX-RS and its exception mapper. Does
   * nothing once the stream has taken over or the exchange has ended.
   *
   * @return whether JAX-RS answered
   */
  boolean answer(Throwable failure) {
    ending.lock();
    try {
      if (owner.compareAndSet(Owner.JAXRS, Owner.ENDED)) {
        jaxrs.resume(failure);
        return true;
      }
      return false;
    } finally {
      ending.unlock();
    }
  }

  /**
   * Completes once the container has completed the exchange ({@link #onComplete}), or the connection
   * failed ({@link #failed}): the response is sent, or cannot be, so the application may go down.
   */
  CompletableFuture<Void> ended() {
    return ended;
  }

  /**
   * The first record arrived: from here on the stream owns the response, a 200 with reports.
   *
   * @return the response's output; empty if the exchange ended first (the client went away) or the
   *     container could not give the output (the exchange then ends as failed)
   */
  Optional<ServletOutputStream> takeOver() {
    if (!owner.compareAndSet(Owner.JAXRS, Owner.STREAM)) {
      return Optional.empty();
    }
    response.setStatus(200);
    response.setContentType("application/json");
    headers.forEach(response::setHeader);
    try {
      output = response.getOutputStream();
      return Optional.of(output);
    } catch (IOException | RuntimeException e) {
      failed(e);
      return Optional.empty();
    }
  }

  /** Sets a header of the stream's response ({@link #takeOver} sends it); before the first record. */
  void header(String name, String value) {
    headers.put(name, value);
  }

  /** Whether the response may still be written: the exchange has not ended. */
  @Override
  public boolean isOpen() {
    return owner.get() != Owner.ENDED;
  }

  /** Runs {@code step} on the output holding the lock ending the exchange takes, unless it has ended. */
  @Override
  public Use use(Step step) throws IOException {
    ending.lock();
    try {
      return owner.get() == Owner.ENDED ? Use.ENDED : Use.ran(step.run(output));
    } finally {
      ending.unlock();
    }
  }

  /**
   * Ends the exchange, whoever owns it: Jersey completes it. The stream calls this once its last write
   * is done; a failed connection, at once (JAX-RS then has no one to answer). Only the first call has an
   * effect.
   */
  void end() {
    ending.lock();
    try {
      endNow();
    } finally {
      ending.unlock();
    }
  }

  private void endNow() {
    if (owner.getAndSet(Owner.ENDED) != Owner.ENDED) {
      // No entity: Jersey writes nothing into a response the stream has committed, and completes it.
      jaxrs.resume(Response.ok().build());
    }
  }

  // ---- AsyncListener: the container's side; its callbacks run on container threads ----

  @Override
  public void onComplete(AsyncEvent event) {
    if (owner.getAndSet(Owner.ENDED) != Owner.ENDED) {
      lost(new IOException("The container completed the exchange"));
    }
    ended.complete(null);
  }

  @Override
  public void onError(AsyncEvent event) {
    failed(event.getThrowable());
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    failed(event.getThrowable());
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // Not started again: the exchange is never dispatched.
  }

  /**
   * The connection failed: the exchange ends here (in the container's callback, when the container
   * reported it), then the stream learns it.
   */
  void failed(Throwable error) {
    boolean locked = false;
    try {
      locked = ending.tryLock(END_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (locked) {
        endNow();
      } else {
        owner.set(Owner.ENDED); // left to the container, which completes it when this returns
      }
    } finally {
      if (locked) {
        ending.unlock();
      }
    }
    lost(error);
    // The connection failed: nothing is left to send, so the stop need not wait for the container's
    // onComplete, which Tomcat and Open Liberty do not always call after an error.
    ended.complete(null);
  }

  private void lost(Throwable error) {
    Listener current = listener;
    if (current != null) {
      current.exchangeLost(error);
    }
  }
}

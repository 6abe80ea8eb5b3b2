package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.errors.Errors;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Writes one stream's delivery reports in request order, each as soon as it and every report before it
 * are ready, one JSON object and {@code \r\n} each.
 *
 * <p>Threads: {@link #add} is called by the thread reading the request; readiness is usually signalled
 * by the Kafka producer's I/O thread, which must never wait on a client's socket, so it only schedules
 * a drain on {@code executor}. At most one drain of a stream runs at a time (the {@code wip} counter),
 * so the output stream is written by one thread at a time and reports cannot overtake each other.
 */
final class ReportWriter {

  private static final byte[] CRLF = {'\r', '\n'};

  private record Pending(CompletableFuture<?> ready, Supplier<Object> report) {}

  private final OutputStream out;
  private final Executor executor;
  private final ObjectMapper mapper;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private final AtomicInteger wip = new AtomicInteger();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private boolean finished; // guarded by this
  private volatile boolean broken;

  ReportWriter(OutputStream out, Executor executor, ObjectMapper mapper) {
    this.out = out;
    this.executor = executor;
    this.mapper = mapper;
  }

  /**
   * Queues the next report: once {@code ready} completes, {@code report} is called (on a writer thread)
   * for the wire record to write.
   */
  void add(CompletableFuture<?> ready, Supplier<Object> report) {
    synchronized (this) {
      queue.add(new Pending(ready, report));
    }
    ready.whenComplete((ignored, error) -> schedule());
  }

  /** No more reports will be added; {@link #awaitWritten} returns once the queued ones are written. */
  void finish() {
    synchronized (this) {
      finished = true;
    }
    schedule();
  }

  /** The client is gone: reports still pending are dropped when they complete. */
  void abandon() {
    broken = true;
    finish();
  }

  /** Whether the client stopped taking reports (a write failed, or {@link #abandon} was called). */
  boolean isBroken() {
    return broken;
  }

  /** Blocks until every report is written after {@link #finish}, or the client is gone. */
  void awaitWritten() {
    done.join();
  }

  private void schedule() {
    if (wip.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    int missed = 1;
    do {
      writeReady();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void writeReady() {
    boolean wrote = false;
    while (true) {
      Pending head;
      synchronized (this) {
        head = queue.peek();
        if (head == null || !head.ready().isDone()) {
          break;
        }
        queue.poll();
      }
      if (!broken) {
        write(serialize(head.report()));
        wrote = true;
      }
    }
    if (wrote && !broken) {
      try {
        out.flush();
      } catch (IOException e) {
        broken = true;
      }
    }
    synchronized (this) {
      if (broken || (finished && queue.isEmpty())) {
        done.complete(null);
      }
    }
  }

  /** The report's bytes; a report that cannot be built is still answered, with a 500 in its place. */
  private byte[] serialize(Supplier<Object> report) {
    try {
      return mapper.writeValueAsBytes(report.get());
    } catch (JsonProcessingException | RuntimeException e) {
      try {
        return mapper.writeValueAsBytes(Errors.toFailure(e).body());
      } catch (JsonProcessingException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }

  private void write(byte[] json) {
    try {
      out.write(json);
      out.write(CRLF);
    } catch (IOException e) {
      broken = true;
    }
  }
}

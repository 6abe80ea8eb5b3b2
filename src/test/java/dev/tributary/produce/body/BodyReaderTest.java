package dev.tributary.produce.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.errors.TributaryException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reader against the one container whose input stream cannot be asked {@code isReady()} freely from a
 * thread of the proxy's: Open Liberty. Its stream is modelled here as Open Liberty 25.0.0.11 behaves (as
 * seen in its {@code SRTInputStream31} and {@code AsyncReadCallback}), not as the specification would
 * have it, so the test fails exactly where the deployed WAR hung.
 */
class BodyReaderTest {

  private final ExecutorService container = Executors.newSingleThreadExecutor(r -> new Thread(r, "container"));

  @AfterEach
  void stop() {
    container.shutdownNow();
  }

  /**
   * A body that arrives while the request's checks run is read, once they pass, on a thread of the
   * proxy's. On Open Liberty an asynchronous read started by that thread's {@code isReady()} may complete
   * on a container thread before {@code isReady()} has noted it as outstanding; the container then
   * believes one is still outstanding, never reads again, and the stream hung (the conformance suite's
   * "bodies that arrive while the checks run" on Open Liberty, about once in a hundred requests). The
   * model below makes that interleaving certain whenever the asking thread does not hold the lock the
   * container's callbacks run under.
   */
  @Test
  void aBodyReadOnAThreadOfTheProxysIsReadToItsEndOnOpenLiberty() throws Exception {
    LibertyInput input =
        new LibertyInput(container, "{\"value\":1}\n{\"value\":2", "}\n{\"value\":3}", "\n{\"value\":4}\n");
    Records sink = new Records();
    boolean[] open = {false};
    BodyReader reader =
        new BodyReader(
            input, new JsonFactory(new ObjectMapper()), false,
            new dev.tributary.config.StreamSettings(java.time.Duration.ofHours(1), java.time.Duration.ZERO, 1 << 20, 5000, 1 << 20, 5000, 30_000),
            () -> open[0], sink);
    input.setReadListener(reader);
    container.submit(() -> {}).get(5, TimeUnit.SECONDS); // the container's first callback is over: reading waits
    assertEquals(List.of(), sink.records);

    open[0] = true; // the checks passed: reading goes on here, on this thread
    reader.resume();

    assertTrue(sink.ended.await(5, TimeUnit.SECONDS), "the body's end was never read: " + sink.records);
    assertEquals(
        List.of("{\"value\":1}", "{\"value\":2}", "{\"value\":3}", "{\"value\":4}"), sink.records);
  }

  /** Collects what the reader hands out. */
  private static final class Records implements BodySink {
    final List<String> records = new CopyOnWriteArrayList<>();
    final CountDownLatch ended = new CountDownLatch(1);
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public boolean started() {
      return true;
    }

    @Override
    public void record(FramedRecord record) {
      try {
        records.add(mapper.writeValueAsString(mapper.readTree(record.tokens().asParser())));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void ended() {
      ended.countDown();
    }

    @Override
    public void unreadable(TributaryException error, boolean cutOff) {
      records.add("unreadable: " + error.getMessage());
      ended.countDown();
    }

    @Override
    public void failed() {
      records.add("failed");
      ended.countDown();
    }

    @Override
    public void stopped() {
      records.add("stopped");
      ended.countDown();
    }
  }

  /**
   * Open Liberty's request input with a read listener, in the parts that matter here. {@code isReady()}
   * answers from the buffer; when it is empty it starts an asynchronous read and only then notes it as
   * outstanding, and while one is noted as outstanding it answers false without looking. The read
   * completes on a container thread, under the stream's callback lock: the note is cleared, the bytes
   * are buffered, {@code onDataAvailable} is called, and {@code onAllDataRead} if the body is finished.
   * A {@code read} with nothing buffered fails, as Liberty's does.
   */
  private static final class LibertyInput extends ServletInputStream {
    private final Object completeLock = new Object();
    private final ExecutorService container;
    private final Queue<byte[]> toArrive = new ArrayDeque<>();
    private volatile byte[] buffer = new byte[0];
    private volatile int position;
    private volatile boolean outstanding;
    private volatile ReadListener listener;

    LibertyInput(ExecutorService container, String... pieces) {
      this.container = container;
      for (String piece : pieces) {
        toArrive.add(piece.getBytes(StandardCharsets.UTF_8));
      }
    }

    /** Public on Open Liberty's stream, as here. */
    public Object getCompleteLockObj() {
      return completeLock;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
      listener = readListener;
      container.execute(this::complete); // the first read, started by the container
    }

    @Override
    public boolean isFinished() {
      synchronized (toArrive) {
        return toArrive.isEmpty() && position == buffer.length;
      }
    }

    @Override
    public boolean isReady() {
      if (listener == null || isFinished()) {
        return true;
      }
      if (outstanding) {
        return false;
      }
      if (available() > 0) {
        return true;
      }
      var completion = container.submit(this::complete);
      if (!Thread.holdsLock(completeLock)) {
        // Nothing stops the completion from running to its end before this thread goes on: let it.
        try {
          completion.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
      outstanding = true;
      return false;
    }

    private void complete() {
      synchronized (completeLock) {
        outstanding = false;
        synchronized (toArrive) {
          byte[] next = toArrive.poll();
          if (next != null) {
            buffer = next;
            position = 0;
          }
        }
        try {
          listener.onDataAvailable();
          if (isFinished()) {
            listener.onAllDataRead();
          }
        } catch (IOException e) {
          listener.onError(e);
        }
      }
    }

    @Override
    public int available() {
      return buffer.length - position;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (isFinished()) {
        return -1;
      }
      int count = Math.min(length, available());
      if (count == 0) {
        throw new IllegalStateException("read while isReady() is false");
      }
      System.arraycopy(buffer, position, into, offset, count);
      position += count;
      return count;
    }
  }
}

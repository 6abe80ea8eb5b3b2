package dev.tributary.produce.body;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testing.Await;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServletBodyTest {

  /**
   * An input stream with Open Liberty's two locks (25.0.0.11's {@code SRTInputStream31}): {@code
   * isReady()} takes the stream's lock; a read completes, and calls the listener, holding the completion
   * lock; the first read, started by {@code setReadListener}, completes inside the stream's lock.
   */
  public static final class LibertyLikeInput extends ServletInputStream {
    private final Object lockObj = new Object();
    private final Object completeLockObj = new Object();
    private final byte[] body;
    private int position;

    LibertyLikeInput(byte[] body) {
      this.body = body;
    }

    public Object getLockObj() {
      return lockObj;
    }

    public Object getCompleteLockObj() {
      return completeLockObj;
    }

    /** Liberty's first read: in the stream's lock, its completion takes the completion lock. */
    void firstRead(CountDownLatch holding, CountDownLatch proceed) throws InterruptedException {
      synchronized (lockObj) {
        holding.countDown();
        proceed.await();
        synchronized (completeLockObj) {
          // the completion would call onDataAvailable here
        }
      }
    }

    @Override
    public boolean isReady() {
      synchronized (lockObj) {
        return position < body.length;
      }
    }

    @Override
    public boolean isFinished() {
      return position == body.length;
    }

    @Override
    public void setReadListener(ReadListener listener) {}

    @Override
    public int read() {
      return position < body.length ? body[position++] : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = Math.min(len, body.length - position);
      System.arraycopy(body, position, b, off, n);
      position += n;
      return n;
    }
  }

  @Test
  void aReadBesideLibertysOwnFirstReadTakesItsLocksInLibertysOrder() throws Exception {
    LibertyLikeInput in = new LibertyLikeInput("{}".getBytes());
    ServletBody body = new ServletBody(in);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    Thread liberty =
        new Thread(
            () -> {
              try {
                in.firstRead(holding, proceed);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "liberty-first-read");
    liberty.setDaemon(true);
    liberty.start();
    holding.await();

    CompletableFuture<Integer> read = new CompletableFuture<>();
    Thread ours =
        new Thread(
            () -> {
              try {
                read.complete(body.read(new byte[16]));
              } catch (Throwable e) {
                read.completeExceptionally(e);
              }
            },
            "tributary-read");
    ours.setDaemon(true);
    ours.start();
    Await.until(Duration.ofSeconds(10), () -> ours.getState() == Thread.State.BLOCKED, "our read to wait for a lock");
    proceed.countDown(); // Liberty's first read now completes: it needs the completion lock

    assertEquals(2, read.get(10, TimeUnit.SECONDS), "our read got the body: the two threads did not deadlock");
    liberty.join(10_000);
    assertEquals(Thread.State.TERMINATED, liberty.getState(), "Liberty's first read completed");
  }
}

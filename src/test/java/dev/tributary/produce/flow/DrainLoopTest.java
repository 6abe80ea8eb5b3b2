package dev.tributary.produce.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DrainLoopTest {

  @Test
  void aRequestDuringARoundMakesTheRunningThreadGoRoundOnceMore() {
    List<String> rounds = new ArrayList<>();
    DrainLoop[] loop = new DrainLoop[1];
    loop[0] =
        new DrainLoop(
            () -> {
              rounds.add(Thread.currentThread().getName());
              if (rounds.size() == 1) {
                loop[0].run(); // asked again from inside the round: not run beside it
                loop[0].run();
                assertEquals(1, rounds.size());
              }
            });
    loop[0].run();
    String self = Thread.currentThread().getName();
    assertEquals(List.of(self, self), rounds, "two requests in a round cost one more round, on the same thread");
  }

  @Test
  void everyRequestIsSeenByARoundThatStartsAfterIt_oneRoundAtATime() throws InterruptedException {
    AtomicLong requested = new AtomicLong();
    AtomicLong seen = new AtomicLong();
    AtomicBoolean inRound = new AtomicBoolean();
    AtomicInteger overlaps = new AtomicInteger();
    DrainLoop loop =
        new DrainLoop(
            () -> {
              if (!inRound.compareAndSet(false, true)) {
                overlaps.incrementAndGet();
              }
              seen.set(requested.get());
              inRound.set(false);
            });
    int threads = 4;
    int each = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread caller =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  requested.incrementAndGet();
                  loop.run();
                }
              });
      caller.start();
      callers.add(caller);
    }
    start.countDown();
    for (Thread caller : callers) {
      caller.join();
    }
    assertEquals(0, overlaps.get(), "rounds that ran beside another");
    assertEquals((long) threads * each, seen.get(), "the last round saw every request");
    assertFalse(inRound.get());
  }
}

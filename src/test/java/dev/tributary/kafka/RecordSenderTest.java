package dev.tributary.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import dev.tributary.testing.ManualTimer;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class RecordSenderTest {

  private final ManualTimer timer = new ManualTimer();
  private final RefusingProducer producer = new RefusingProducer();
  private volatile boolean reachable = true;
  private final RecordSender sender = new RecordSender(producer, timer, () -> reachable, 1_000, timer::nanoTime);

  /** Sends {@code record}: the future completes with where it was stored, or fails with why not. */
  private CompletableFuture<Delivery> send(OutgoingRecord record, TopicRules rules) {
    return sender.send(
        record,
        rules,
        (stored, error) -> {
          if (error != null) {
            throw new CompletionException(error);
          }
          return stored;
        });
  }

  /**
   * Refuses records as {@code KafkaProducer} does with {@code max.block.ms=0} when it has no metadata
   * for their topic: the callback fails inside {@code send}, and the record is not kept.
   */
  private static final class RefusingProducer extends MockProducer<byte[], byte[]> {
    volatile String refusedTopic;

    RefusingProducer() {
      super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      if (record.topic().equals(refusedTopic)) {
        TimeoutException refusal = new TimeoutException("Topic " + record.topic() + " not present in metadata after 0 ms.");
        callback.onCompletion(null, refusal);
        return CompletableFuture.failedFuture(refusal);
      }
      return super.send(record, callback);
    }
  }

  private static OutgoingRecord record(String value) {
    return new OutgoingRecord(
        "t", 0, null, value.getBytes(StandardCharsets.UTF_8),
        List.of(new OutgoingRecord.Header("h", null), new OutgoingRecord.Header("h", new byte[] {1})), 1000L);
  }

  @Test
  void aRecordIsHandedToTheProducerAsIs() {
    send(record("v"), TopicRules.UNKNOWN);
    ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
    assertEquals("t", sent.topic());
    assertEquals(0, sent.partition());
    assertEquals(1000L, sent.timestamp());
    assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), sent.value());
    assertEquals(2, sent.headers().toArray().length);
    assertArrayEquals(new byte[] {1}, sent.headers().toArray()[1].value());
  }

  @Test
  void futuresCompleteWhenKafkaAnswersInWhateverOrder() throws Exception {
    CompletableFuture<Delivery> first = send(record("a"), TopicRules.UNKNOWN);
    CompletableFuture<Delivery> second = send(record("b"), TopicRules.UNKNOWN);
    assertFalse(first.isDone());
    producer.completeNext();
    producer.errorNext(new NotEnoughReplicasException("nr"));
    assertEquals(0, first.get().partition());
    ExecutionException e = assertThrows(ExecutionException.class, second::get);
    KafkaFailure failure = (KafkaFailure) e.getCause();
    assertEquals(KafkaFailure.Kind.RETRIABLE, failure.kind(), "Kafka's exception, as the boundary hands it out");
    assertTrue(failure.getCause() instanceof NotEnoughReplicasException);
    assertEquals("nr", failure.getMessage());
  }

  @Test
  void aRecordKafkaRefusedOnlyForAnotherRecordOfItsBatchIsSentOnceMore() throws Exception {
    CompletableFuture<Delivery> culprit = send(record("bad"), TopicRules.UNKNOWN);
    CompletableFuture<Delivery> innocent = send(record("good"), TopicRules.UNKNOWN);
    producer.errorNext(new org.apache.kafka.common.InvalidRecordException("refused"));
    producer.errorNext(new KafkaException(RecordSender.INNOCENT));
    assertTrue(culprit.isCompletedExceptionally());
    assertFalse(innocent.isDone(), "not failed: it is to be sent again");
    assertEquals(1, timer.pending(), "sent again off the producer's callback");
    timer.runDue();
    assertEquals(3, producer.history().size());
    assertArrayEquals("good".getBytes(StandardCharsets.UTF_8), producer.history().get(2).value());
    producer.completeNext();
    assertEquals(0, innocent.get().partition());
  }

  @Test
  void aRecordRefusedTwiceForAnotherRecordFailsTheSecondTime() {
    CompletableFuture<Delivery> innocent = send(record("good"), TopicRules.UNKNOWN);
    producer.errorNext(new KafkaException(RecordSender.INNOCENT));
    timer.runDue();
    producer.errorNext(new KafkaException(RecordSender.INNOCENT));
    assertTrue(innocent.isCompletedExceptionally());
    assertEquals(2, producer.history().size(), "once more, not more");
  }

  @Test
  void aRecordOverTheTopicsMaximumMessageSizeNeverReachesTheProducer() {
    OutgoingRecord record = record("x".repeat(1000));
    int limit = (int) record.sizeUpperBound() - 1;
    TopicRules rules = new TopicRules(limit, true, Long.MAX_VALUE, Long.MAX_VALUE, false);
    CompletableFuture<Delivery> refused = send(record, rules);
    OversizedRecordException e =
        (OversizedRecordException) assertThrows(ExecutionException.class, refused::get).getCause();
    assertEquals(limit, e.maxMessageBytes());
    assertEquals(0, producer.history().size(), "the producer never saw it");
    send(record, new TopicRules(limit + 1, true, Long.MAX_VALUE, Long.MAX_VALUE, false));
    assertEquals(1, producer.history().size(), "at the bound, it is sent");
  }

  @Test
  void aSynchronousFailureBecomesAFailedFuture() {
    KafkaException closed = new KafkaException("Producer closed");
    producer.sendException = closed;
    CompletableFuture<Delivery> delivery = send(record("x"), TopicRules.UNKNOWN);
    assertTrue(delivery.isCompletedExceptionally());
    assertSame(closed, assertThrows(ExecutionException.class, delivery::get).getCause().getCause());
  }

  @Test
  void recordsTheProducerCannotTakeYetWaitWithoutAThreadAndGoInOrder() throws Exception {
    producer.refusedTopic = "t";
    CompletableFuture<Delivery> first = send(record("a"), TopicRules.UNKNOWN);
    CompletableFuture<Delivery> second = send(record("b"), TopicRules.UNKNOWN);
    CompletableFuture<Delivery> elsewhere = send(new OutgoingRecord("u", null, null, null, List.of(), null), TopicRules.UNKNOWN);
    assertEquals(1, producer.history().size(), "only the other topic's record reached the producer");
    assertEquals("u", producer.history().get(0).topic());
    timer.advance(500);
    assertFalse(first.isDone() || second.isDone(), "held, not failed");
    producer.refusedTopic = null; // the producer has the topic's metadata again
    timer.advance(Backlog.MAX_PAUSE_MS);
    assertEquals(List.of("u", "t", "t"), producer.history().stream().map(ProducerRecord::topic).toList());
    assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), producer.history().get(1).value());
    assertArrayEquals("b".getBytes(StandardCharsets.UTF_8), producer.history().get(2).value());
    producer.completeNext();
    producer.completeNext();
    producer.completeNext();
    assertTrue(first.isDone() && second.isDone() && elsewhere.isDone());
    CompletableFuture<Delivery> later = send(record("c"), TopicRules.UNKNOWN);
    assertEquals(4, producer.history().size(), "the backlog is gone: straight to the producer");
    assertFalse(later.isDone());
  }

  @Test
  void aHeldRecordFailsOnceItsWaitRunsOut() {
    producer.refusedTopic = "t";
    CompletableFuture<Delivery> held = send(record("a"), TopicRules.UNKNOWN);
    timer.advance(999);
    assertFalse(held.isDone());
    timer.advance(1 + Backlog.MAX_PAUSE_MS);
    ExecutionException e = assertThrows(ExecutionException.class, held::get);
    assertTrue(e.getCause() instanceof KafkaFailure f && f.kind() == KafkaFailure.Kind.RETRIABLE, e.getCause().toString());
    assertEquals(
        "Kafka is not reachable: the record was not sent, as the producer could not get metadata for topic t for 1000 ms"
            + " (max.block.ms, at most delivery.timeout.ms).",
        e.getCause().getMessage());
    assertEquals(List.of(), producer.history(), "never sent");
    assertEquals(0, timer.pending(), "nothing left to retry");
  }

  @Test
  void whileTheClusterIsSilentRecordsAreHeldWithoutBeingOffered() throws Exception {
    reachable = false;
    CompletableFuture<Delivery> held = send(record("a"), TopicRules.UNKNOWN);
    timer.advance(500);
    assertEquals(List.of(), producer.history(), "not offered: it could only wait");
    reachable = true;
    timer.advance(Backlog.MAX_PAUSE_MS);
    assertEquals(1, producer.history().size());
    producer.completeNext();
    assertEquals(0, held.get().partition());
  }

  @Test
  void closingFailsWhatIsStillHeld() {
    producer.refusedTopic = "t";
    CompletableFuture<Delivery> held = send(record("a"), TopicRules.UNKNOWN);
    sender.close(java.time.Duration.ZERO);
    ExecutionException e = assertThrows(ExecutionException.class, held::get);
    assertEquals("Tributary is stopping: the record was not sent.", e.getCause().getMessage());
  }

  @Test
  void sizeUpperBoundCoversTheRecordAndItsBatch() {
    OutgoingRecord empty = new OutgoingRecord("t", null, null, null, List.of(), null);
    OutgoingRecord big = new OutgoingRecord("t", null, new byte[10], new byte[1000], List.of(new OutgoingRecord.Header("hh", new byte[5])), null);
    assertTrue(empty.sizeUpperBound() >= 61 + 7, "batch header plus the smallest record");
    assertEquals(empty.sizeUpperBound() + 10 + 1000 + 2 + 5 + 10, big.sizeUpperBound());
  }
}

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
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class RecordSenderTest {

  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final RecordSender sender = new RecordSender(producer, Runnable::run);

  private static OutgoingRecord record(String value) {
    return new OutgoingRecord(
        "t", 0, null, value.getBytes(StandardCharsets.UTF_8),
        List.of(new OutgoingRecord.Header("h", null), new OutgoingRecord.Header("h", new byte[] {1})), 1000L);
  }

  @Test
  void aRecordIsHandedToTheProducerAsIs() {
    sender.send(record("v"));
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
    CompletableFuture<Delivery> first = sender.send(record("a"));
    CompletableFuture<Delivery> second = sender.send(record("b"));
    assertFalse(first.isDone());
    producer.completeNext();
    producer.errorNext(new NotEnoughReplicasException("nr"));
    assertEquals(0, first.get().partition());
    ExecutionException e = assertThrows(ExecutionException.class, second::get);
    assertTrue(e.getCause() instanceof NotEnoughReplicasException);
  }

  @Test
  void aRecordKafkaRefusedOnlyForAnotherRecordOfItsBatchIsSentOnceMore() throws Exception {
    List<Runnable> resends = new java.util.ArrayList<>();
    RecordSender resending = new RecordSender(producer, resends::add);
    CompletableFuture<Delivery> culprit = resending.send(record("bad"));
    CompletableFuture<Delivery> innocent = resending.send(record("good"));
    producer.errorNext(new org.apache.kafka.common.InvalidRecordException("refused"));
    producer.errorNext(new KafkaException(RecordSender.INNOCENT));
    assertTrue(culprit.isCompletedExceptionally());
    assertFalse(innocent.isDone(), "not failed: it is to be sent again");
    assertEquals(1, resends.size(), "sent again off the producer's callback");
    resends.get(0).run();
    assertEquals(3, producer.history().size());
    assertArrayEquals("good".getBytes(StandardCharsets.UTF_8), producer.history().get(2).value());
    producer.completeNext();
    assertEquals(0, innocent.get().partition());
  }

  @Test
  void aRecordRefusedTwiceForAnotherRecordFailsTheSecondTime() {
    CompletableFuture<Delivery> innocent = sender.send(record("good"));
    producer.errorNext(new KafkaException(RecordSender.INNOCENT));
    producer.errorNext(new KafkaException(RecordSender.INNOCENT));
    assertTrue(innocent.isCompletedExceptionally());
    assertEquals(2, producer.history().size(), "once more, not more");
  }

  @Test
  void aSynchronousFailureBecomesAFailedFuture() {
    KafkaException closed = new KafkaException("Producer closed");
    producer.sendException = closed;
    CompletableFuture<Delivery> delivery = sender.send(record("x"));
    assertTrue(delivery.isCompletedExceptionally());
    assertSame(closed, assertThrows(ExecutionException.class, delivery::get).getCause());
  }

  @Test
  void sizeUpperBoundCoversTheRecordAndItsBatch() {
    OutgoingRecord empty = new OutgoingRecord("t", null, null, null, List.of(), null);
    OutgoingRecord big = new OutgoingRecord("t", null, new byte[10], new byte[1000], List.of(new OutgoingRecord.Header("hh", new byte[5])), null);
    assertTrue(RecordSender.sizeUpperBound(empty) >= 61 + 7, "batch header plus the smallest record");
    assertEquals(RecordSender.sizeUpperBound(empty) + 10 + 1000 + 2 + 5 + 10, RecordSender.sizeUpperBound(big));
  }
}

package dev.tributary.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The pool's bookkeeping, with mock producers and a credential check that knows two passwords. */
class SenderPoolTest {

  private final List<Map<String, Object>> opened = new ArrayList<>();
  private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
  /** The most producers open at once, counted as each one opens: exact, not sampled. */
  private int mostOpen;
  private final List<Map<String, Object>> checked = new ArrayList<>();
  private final AtomicLong now = new AtomicLong();

  private SenderPool pool(int maxSize) {
    SenderFactory factory = new SenderFactory(
        Map.of("acks", "all", "client.id", "p"),
        Map.of("bootstrap.servers", "b:9092"),
        "PLAIN",
        properties -> {
          opened.add(properties);
          mostOpen = Math.max(mostOpen, 1 + (int) producers.stream().filter(p -> !p.closed()).count());
          MockProducer<byte[], byte[]> producer =
              new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
          producers.add(producer);
          return new RecordSender(producer, new dev.tributary.testing.ManualTimer(), () -> true, 1_000, now::get);
        },
        (properties, timeout) -> {
          checked.add(properties);
          String jaas = properties.get("sasl.jaas.config").toString();
          if (!jaas.contains("password=\"right\"")) {
            throw new SaslAuthenticationException("Authentication failed: Invalid username or password");
          }
        });
    return new SenderPool(factory, maxSize, Duration.ofSeconds(10), Runnable::run, now::get);
  }

  private static KafkaCredentials user(String name) {
    return new KafkaCredentials(name, "right");
  }

  @Test
  void aPrincipalsFirstRequestIsCheckedAndLaterOnesShareItsProducer() {
    SenderPool pool = pool(4);
    SenderLease first = pool.acquire(user("alice"));
    SenderLease second = pool.acquire(user("alice"));
    assertSame(first.sender(), second.sender());
    assertEquals(1, checked.size());
    assertEquals(
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"right\";",
        opened.get(0).get("sasl.jaas.config"));
    assertEquals("p-1", opened.get(0).get("client.id"));
    assertEquals("all", opened.get(0).get("acks"));
    assertNotSame(first.sender(), pool.acquire(user("bob")).sender());
    assertEquals("p-2", opened.get(1).get("client.id"));
  }

  @Test
  void rejectedCredentialsBuildNoProducerAndAreNotRemembered() {
    SenderPool pool = pool(4);
    pool.acquire(user("alice")).close();
    for (int attempt = 0; attempt < 2; attempt++) {
      KafkaFailure e = assertThrows(KafkaFailure.class, () -> pool.acquire(new KafkaCredentials("alice", "wrong")));
      assertEquals(KafkaFailure.Kind.AUTHENTICATION, e.kind());
      assertTrue(e.getCause() instanceof SaslAuthenticationException);
    }
    assertEquals(3, checked.size(), "each attempt with the wrong password is checked by Kafka again");
    assertEquals(1, opened.size());
    assertEquals(1, pool.size());
  }

  @Test
  void aFullPoolClosesItsLeastRecentlyUsedIdleProducer() {
    SenderPool pool = pool(2);
    pool.acquire(user("a")).close();
    pool.acquire(user("b")).close();
    pool.acquire(user("a")).close(); // b is now the least recently used
    pool.acquire(user("c")).close();
    assertEquals(2, pool.size());
    assertTrue(producers.get(1).closed(), "b's producer is closed");
    assertTrue(!producers.get(0).closed() && !producers.get(2).closed());
  }

  @Test
  void neverMoreProducersOpenAtOnceThanThePoolHolds() {
    SenderPool pool = pool(8);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 100; i++) {
        pool.acquire(user("p" + i)).close(); // each new principal evicts the least recently used idle one
      }
    }
    assertEquals(300, producers.size(), "every principal, every round, needed a producer of its own");
    assertEquals(8, mostOpen, "the evicted producer is closed before the next one opens");
    assertEquals(8, producers.stream().filter(p -> !p.closed()).count());
  }

  @Test
  void aFullPoolOfHeldProducersRefusesANewPrincipalWith429() {
    SenderPool pool = pool(2);
    SenderLease a = pool.acquire(user("a"));
    pool.acquire(user("b"));
    PoolFullException e = assertThrows(PoolFullException.class, () -> pool.acquire(user("c")));
    assertEquals(2, e.maxSize());
    dev.tributary.errors.Errors.Failure answer = dev.tributary.errors.Errors.toFailure(e);
    assertEquals(429, answer.httpStatus());
    assertEquals(
        "Request rate limit exceeded: all 2 Kafka producers are in use by other principals; retry later",
        answer.body().message());
    a.close();
    a.close(); // a second close gives nothing back twice
    pool.acquire(user("c"));
    assertTrue(producers.get(0).closed());
    assertThrows(PoolFullException.class, () -> pool.acquire(user("d")));
  }

  @Test
  void producersIdleForTheTimeoutAreClosed() {
    SenderPool pool = pool(4);
    SenderLease held = pool.acquire(user("held"));
    pool.acquire(user("idle")).close();
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    pool.closeIdle();
    assertEquals(2, pool.size());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    pool.closeIdle();
    assertEquals(1, pool.size());
    assertTrue(producers.get(1).closed());
    held.close();
    pool.close();
    assertTrue(producers.get(0).closed());
  }

  @Test
  void aProducerWhoseCredentialsKafkaRejectsLeavesThePoolAndClosesWhenLetGo() {
    SenderPool pool = pool(4);
    SenderLease held = pool.acquire(user("alice"));
    held.invalidate();
    assertEquals(0, pool.size());
    assertTrue(!producers.get(0).closed(), "a request still holds it");
    SenderLease fresh = pool.acquire(user("alice"));
    assertEquals(2, checked.size(), "the credentials are proven again");
    assertNotSame(held.sender(), fresh.sender());
    held.close();
    assertTrue(producers.get(0).closed());
    fresh.invalidate();
    fresh.invalidate(); // twice is harmless
    fresh.close();
    assertTrue(producers.get(1).closed());
  }

  @Test
  void jaasValuesAreEscapedAndCredentialsAreNeverPrinted() {
    KafkaCredentials odd = new KafkaCredentials("a\"b", "c\\d\"");
    assertEquals(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\\\"b\" password=\"c\\\\d\\\"\";",
        odd.jaasConfig("SCRAM-SHA-512"));
    assertEquals("KafkaCredentials[hidden]", odd.toString());
    assertThrows(IllegalArgumentException.class, () -> new KafkaCredentials("a", "line\nbreak"));
    assertThrows(IllegalArgumentException.class, () -> new KafkaCredentials("", "x"));
  }
}

package dev.tributary.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** How a principal's producer id names its transactional id and group: one name per pair, never shared. */
class ExactlyOncePoolTest {

  @Test
  void theNameKeepsSafeCharactersAndEncodesTheRest() {
    assertEquals("tributary.alice.orders-1_a", ExactlyOncePool.transactionalId("alice", "orders-1_a"));
    assertEquals("tributary..orders%2Eeu", ExactlyOncePool.transactionalId("", "orders.eu"));
    assertEquals(
        "tributary.CN%3Dalice%2COU%3Dé".replace("é", "%C3%A9") + ".x",
        ExactlyOncePool.transactionalId("CN=alice,OU=é", "x"));
  }

  @Test
  void twoPrincipalsIdsNeverMeet() {
    // a with b.c, and a.b with c, would both be a.b.c if dots were kept
    assertNotEquals(ExactlyOncePool.transactionalId("a", "b.c"), ExactlyOncePool.transactionalId("a.b", "c"));
    assertEquals("tributary.a.b%2Ec", ExactlyOncePool.transactionalId("a", "b.c"));
    assertEquals("tributary.a%2Eb.c", ExactlyOncePool.transactionalId("a.b", "c"));
    // alice's prefix covers no id of a principal whose name starts with "alice"
    assertEquals("tributary.alice%2Ex.y", ExactlyOncePool.transactionalId("alice.x", "y"));
  }
}

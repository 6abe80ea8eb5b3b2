package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.config.StreamSettings;
import dev.tributary.metrics.ProxyMetrics;
import dev.tributary.produce.record.DeliveryReport;
import dev.tributary.produce.reports.ReportWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The gate of a stream's reading: shut until the checks pass and while the writer is being set, then
 * open while the records undecided (by count and bytes) and the reports unread are under their bounds;
 * and every time it may have opened, the reading is asked to go on.
 */
class WindowTest {

  private static final DeliveryReport PRODUCED = new DeliveryReport.Produced(0, 0, 0, null, null);

  /** A window of at most 3 undecided records, 100 undecided bytes and 2 unread reports. */
  private final Window window =
      new Window(
          new StreamSettings(Duration.ofHours(1), Duration.ZERO, 1 << 20, 3, 100, 2, 60_000),
          new StreamLedger(new ProxyMetrics(10), "topic", new AccessLog("test"), System.nanoTime()));

  private int resumed;

  WindowTest() {
    window.onRoom(() -> resumed++);
  }

  @Test
  void theGateIsShutUntilTheChecksPass() {
    assertFalse(window.open());
    window.admit();
    assertTrue(window.open());
    assertEquals(1, resumed, "admitting asks the reading to go on");
  }

  @Test
  void nothingIsReadWhileTheWriterIsBeingSetUntilTheContainerFirstCallsIt() {
    window.admit();
    window.writerSetting();
    assertFalse(window.open());
    window.writable();
    assertTrue(window.open());
    assertEquals(2, resumed);
    window.writable();
    assertEquals(2, resumed, "only the container's first call opens the gate");
  }

  @Test
  void undecidedRecordsShutTheGateAtTheirCountAndADecisionOpensIt() {
    window.admit();
    window.read(1);
    window.read(1);
    assertTrue(window.open());
    window.read(1);
    assertFalse(window.open(), "3 records undecided");
    window.reportDecided(PRODUCED, 1);
    assertTrue(window.open());
    assertEquals(2, resumed);
  }

  @Test
  void undecidedBytesShutTheGateAtTheirBound() {
    window.admit();
    window.read(60);
    assertTrue(window.open());
    window.read(40);
    assertFalse(window.open(), "100 bytes undecided");
    window.reportDecided(PRODUCED, 40);
    assertTrue(window.open());
  }

  @Test
  void reportsTheClientHasNotReadShutTheGateAtTheirBoundAndAWrittenOneOpensIt() {
    window.admit();
    for (int i = 0; i < 2; i++) {
      window.read(1);
      window.reportDecided(PRODUCED, 1);
    }
    assertFalse(window.open(), "2 reports held, none undecided");
    window.reportDone(200, System.nanoTime());
    assertTrue(window.open());
    assertEquals(4, resumed, "admitted, two decisions, one report done");
  }

  @Test
  void aDroppedReportLeavesTheWindowAsAWrittenOneDoes() {
    window.admit();
    window.read(1);
    window.reportDecided(PRODUCED, 1);
    window.read(1);
    window.reportDecided(PRODUCED, 1);
    window.reportDone(ReportWriter.DROPPED, System.nanoTime());
    assertTrue(window.open());
  }
}

package dev.tributary.produce.body;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.config.StreamSettings;
import dev.tributary.errors.TributaryException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * How a body's reading ends, as the stream hears it through its one hand-off ({@link BodySink}): every
 * record before the end, in order, then exactly one ending. A container is played by a scripted input
 * on the test's thread, so each case is exact and takes no time.
 */
class BodyEndingsTest {

  /** The largest record these streams take (bytes). */
  private static final int MAX_RECORD = 24;

  private static final StreamSettings SETTINGS =
      new StreamSettings(Duration.ofHours(1), Duration.ZERO, MAX_RECORD, 5000, 1 << 20, 5000, 60_000);

  @Test
  void aBodyThatEndsAfterItsLastRecordEndsTheStreamAfterEveryRecord() throws IOException {
    Heard heard = read(true, "{\"a\":1}\n{\"a\":", "2}\r\n");
    assertEquals(List.of("started", "{\"a\":1} 7", "{\"a\":2} 7", "ended"), heard.calls);
  }

  @Test
  void aBodyOfNothingButWhiteSpaceEndsWithoutStarting() throws IOException {
    assertEquals(List.of("ended"), read(true, " \r\n\t").calls);
  }

  @Test
  void aSyntaxErrorEndsTheStreamAfterTheRecordsBeforeIt() throws IOException {
    Heard heard = read(true, "{\"a\":1}{\"a\"]{\"a\":3}");
    assertEquals(List.of("started", "{\"a\":1} 7", "unreadable MALFORMED_STREAM"), heard.calls);
  }

  @Test
  void aBodyThatEndsInsideARecordIsUnreadableThere() throws IOException {
    Heard heard = read(true, "{\"a\":1}{\"a\":");
    assertEquals(List.of("started", "{\"a\":1} 7", "unreadable MALFORMED_STREAM"), heard.calls);
  }

  @Test
  void aRecordOverTheLimitIsCutOffAfterTheRecordsBeforeIt() throws IOException {
    String large = "{\"a\":\"" + "x".repeat(MAX_RECORD) + "\"}";
    assertEquals(
        List.of("started", "{\"a\":1} 7", "unreadable RECORD_TOO_LARGE cut off"),
        read(true, "{\"a\":1}" + large + "{\"a\":3}").calls,
        "complete in one read");
    assertEquals(
        List.of("started", "{\"a\":1} 7", "unreadable RECORD_TOO_LARGE cut off"),
        read(false, "{\"a\":1}" + large.substring(0, MAX_RECORD + 1)).calls,
        "still arriving");
  }

  @Test
  void aRecordOfExactlyTheLimitIsARecord() throws IOException {
    String largest = "{\"a\":\"" + "x".repeat(MAX_RECORD - 8) + "\"}";
    assertEquals(List.of("started", largest + " " + MAX_RECORD, "ended"), read(true, largest).calls);
  }

  @Test
  void bytesThatAreNotUtf8EndTheStreamAfterTheRecordsBeforeThem() throws IOException {
    Heard heard = read(true, "{\"a\":1}{\"a\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(List.of("started", "{\"a\":1} 7", "unreadable BODY_NOT_UTF8"), heard.calls);
  }

  @Test
  void aBodyThatEndsInsideACharacterIsUnreadableThere() throws IOException {
    byte[] euro = "{\"a\":1}{\"b\":\"\u20ac".getBytes(StandardCharsets.UTF_8);
    Heard heard = read(true, java.util.Arrays.copyOf(euro, euro.length - 1));
    assertEquals(List.of("started", "{\"a\":1} 7", "unreadable BODY_ENDS_INSIDE_CHARACTER"), heard.calls);
  }

  @Test
  void aContainerThatCannotReadTheBodyFailsIt() throws IOException {
    Heard heard = read(false, "{\"a\":1}");
    heard.reader.onError(new IOException("Invalid chunk header"));
    assertEquals(List.of("started", "{\"a\":1} 7", "failed"), heard.calls);
  }

  @Test
  void theContainersIdleTimeoutEndsTheBody() throws IOException {
    Heard heard = read(false, "{\"a\":1}{\"a\"");
    heard.reader.onError(new IOException(new TimeoutException("Idle timeout expired")));
    assertEquals(List.of("started", "{\"a\":1} 7", "ended"), heard.calls);
  }

  @Test
  void aStoppedReadingHearsNothingMoreButThatItStopped() throws IOException {
    Heard heard = read(false, "{\"a\":1}");
    heard.reader.stop();
    heard.input.arrive("{\"a\":2}");
    assertEquals(List.of("started", "{\"a\":1} 7", "stopped"), heard.calls);
  }

  @Test
  void aStreamThatCannotStartStopsBeforeItsFirstRecord() throws IOException {
    Heard heard = new Heard(false);
    heard.start(true, "{\"a\":1}{\"a\":2}".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("started", "stopped"), heard.calls);
  }

  @Test
  void aLatin1BodyIsReadAsUtf8AndSizedSo() throws IOException {
    Heard heard = new Heard(true);
    heard.latin1 = true;
    heard.start(true, "{\"a\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(List.of("started", "{\"a\":\"\u00e9\"} 10", "ended"), heard.calls); // é: one byte in, two read
  }

  private static Heard read(boolean ends, String... chunks) throws IOException {
    byte[][] bytes = new byte[chunks.length][];
    for (int i = 0; i < chunks.length; i++) {
      bytes[i] = chunks[i].getBytes(StandardCharsets.UTF_8);
    }
    return read(ends, bytes);
  }

  private static Heard read(boolean ends, byte[]... chunks) throws IOException {
    Heard heard = new Heard(true);
    heard.start(ends, chunks);
    return heard;
  }

  /** What the stream hears, one line per call; and the reader and input that told it. */
  private static final class Heard implements BodySink {
    final List<String> calls = new ArrayList<>();
    private final boolean canStart;
    private final ObjectMapper mapper = new ObjectMapper();
    boolean latin1;
    BodyReader reader;
    Input input;

    Heard(boolean canStart) {
      this.canStart = canStart;
    }

    void start(boolean ends, byte[]... chunks) throws IOException {
      input = new Input(ends, chunks);
      reader = new BodyReader(input, new JsonFactory(mapper), latin1, SETTINGS, () -> true, this);
      input.setReadListener(reader);
    }

    @Override
    public boolean started() {
      calls.add("started");
      return canStart;
    }

    @Override
    public void record(FramedRecord record) {
      try {
        calls.add(mapper.writeValueAsString(mapper.readTree(record.tokens().asParser())) + " " + record.bytes());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void ended() {
      calls.add("ended");
    }

    @Override
    public void unreadable(TributaryException error, boolean cutOff) {
      calls.add("unreadable " + error.code() + (cutOff ? " cut off" : ""));
    }

    @Override
    public void failed() {
      calls.add("failed");
    }

    @Override
    public void stopped() {
      calls.add("stopped");
    }
  }

  /**
   * A container's request input on the calling thread: ready while it holds bytes, and at the end of a
   * body that {@code ends}; a body that does not end waits for {@link #arrive} or the container's error.
   */
  private static final class Input extends ServletInputStream {
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final boolean ends;
    private int position;
    private boolean finished;
    private ReadListener listener;

    Input(boolean ends, byte[]... chunks) {
      this.ends = ends;
      this.chunks.addAll(List.of(chunks));
    }

    void arrive(String chunk) throws IOException {
      chunks.add(chunk.getBytes(StandardCharsets.UTF_8));
      listener.onDataAvailable();
    }

    @Override
    public boolean isFinished() {
      return finished;
    }

    @Override
    public boolean isReady() {
      return !chunks.isEmpty() || ends && !finished;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      this.listener = listener;
      try {
        listener.onDataAvailable();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException("read in blocks");
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      byte[] chunk = chunks.peek();
      if (chunk == null) {
        finished = true;
        return -1;
      }
      int n = Math.min(length, chunk.length - position);
      System.arraycopy(chunk, position, into, offset, n);
      position += n;
      if (position == chunk.length) {
        chunks.poll();
        position = 0;
      }
      return n;
    }
  }
}

package dev.tributary.produce.reports;

import dev.tributary.api.ErrorResponse;
import dev.tributary.produce.record.DeliveryReport;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * One stream's reports that are decided (Kafka answered, or the record was refused) but not yet
 * written, oldest first.
 *
 * <p>Why a store of its own: many HTTP clients send the whole body before they read the response
 * ({@code java.net.http} on HTTP/1.1, Python's {@code requests}, .NET's {@code HttpClient}). Their
 * reports can only wait. Kept in the window of records in flight, they would stop the reading once the
 * window filled, and a client that is still sending would never read: a deadlock. Decided, a record no
 * longer needs its bytes; its report needs only a few numbers, so it leaves the window and waits here.
 *
 * <p>A produced record's report is kept as numbers in parallel arrays, about 45 bytes each (its text
 * is about 200); an error report as its body, in order in a queue of its own. The arrays grow as reports
 * wait, up to what the stream's own bound lets in, and go back to their first size once emptied.
 *
 * <p>Not thread-safe: only the report writer's drain touches it.
 */
final class HeldReports {

  private static final int FIRST_CAPACITY = 16;
  private static final int KEEP_CAPACITY = 4096;
  private static final byte PRODUCED = 0;
  private static final byte FAILED = 1;
  private static final byte DUPLICATE = 2;

  private byte[] kinds;
  private int[] partitions;
  private long[] offsets;
  private long[] timestamps;
  private long[] keys;
  private long[] values;
  private long[] readNanos;
  private long[] sequences;
  private final ArrayDeque<ErrorResponse> errors = new ArrayDeque<>();
  private int head;
  private int size;

  HeldReports() {
    allocate(FIRST_CAPACITY);
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Holds {@code report}, whose record was read at {@code readNanos}, numbered {@code sequence} (or -1). */
  void add(DeliveryReport report, long readNanos, long sequence) {
    int at;
    if (report instanceof DeliveryReport.Produced p) {
      at =
          produced(
              p.partition(), p.offset(), p.timestamp(), ReportEncoder.data(p.key()), ReportEncoder.data(p.value()), readNanos);
    } else if (report instanceof DeliveryReport.Failed f) {
      at = failed(f.body(), readNanos);
    } else {
      at = slot(DUPLICATE, readNanos);
    }
    sequences[at] = sequence;
  }

  /** Holds {@code report}, whose record was read at {@code readNanos}, in a stream without sequences. */
  void add(DeliveryReport report, long readNanos) {
    add(report, readNanos, -1);
  }

  /**
   * A produced record's report.
   *
   * @param key the key's format and size, as {@link ReportEncoder#data} packs them; 0 without a key
   * @param value likewise for the value
   */
  int produced(int partition, long offset, long timestamp, long key, long value, long readNanos) {
    int at = slot(PRODUCED, readNanos);
    partitions[at] = partition;
    offsets[at] = offset;
    timestamps[at] = timestamp;
    keys[at] = key;
    values[at] = value;
    sequences[at] = -1;
    return at;
  }

  /** A record's error report. */
  int failed(ErrorResponse error, long readNanos) {
    int at = slot(FAILED, readNanos);
    errors.add(error);
    sequences[at] = -1;
    return at;
  }

  /** When the oldest report's record was read ({@link System#nanoTime}). */
  long oldestReadNanos() {
    return readNanos[head];
  }

  /**
   * Appends the oldest report to {@code encoder} and removes it.
   *
   * @return its error code
   */
  int writeOldest(ReportEncoder encoder) throws IOException {
    int code;
    if (kinds[head] == PRODUCED) {
      encoder.appendProduced(
          partitions[head], offsets[head], timestamps[head], keys[head], values[head], sequences[head]);
      code = 200;
    } else if (kinds[head] == DUPLICATE) {
      encoder.appendDuplicate(sequences[head]);
      code = 200;
    } else {
      ErrorResponse error = errors.peek();
      encoder.appendMapped(error, sequences[head]);
      code = error.errorCode();
    }
    removeOldest();
    return code;
  }

  /** Removes the oldest report unwritten: its client is gone. */
  void removeOldest() {
    if (kinds[head] == FAILED) {
      errors.poll();
    }
    head = (head + 1) & (kinds.length - 1);
    size--;
    if (size == 0 && kinds.length > KEEP_CAPACITY) {
      allocate(FIRST_CAPACITY); // a stream that once held many reports does not keep their room
    }
  }

  private int slot(byte kind, long read) {
    if (size == kinds.length) {
      grow();
    }
    int at = (head + size) & (kinds.length - 1);
    kinds[at] = kind;
    readNanos[at] = read;
    size++;
    return at;
  }

  /** Doubles the arrays, the oldest report moving to index 0. */
  private void grow() {
    int capacity = kinds.length * 2;
    kinds = (byte[]) unrolled(kinds, new byte[capacity]);
    partitions = (int[]) unrolled(partitions, new int[capacity]);
    offsets = (long[]) unrolled(offsets, new long[capacity]);
    timestamps = (long[]) unrolled(timestamps, new long[capacity]);
    keys = (long[]) unrolled(keys, new long[capacity]);
    values = (long[]) unrolled(values, new long[capacity]);
    readNanos = (long[]) unrolled(readNanos, new long[capacity]);
    sequences = (long[]) unrolled(sequences, new long[capacity]);
    head = 0;
  }

  /** Copies the full ring {@code from} into the start of {@code to}, oldest first. */
  private Object unrolled(Object from, Object to) {
    int tail = size - head;
    System.arraycopy(from, head, to, 0, tail);
    System.arraycopy(from, 0, to, tail, head);
    return to;
  }

  private void allocate(int capacity) {
    kinds = new byte[capacity];
    partitions = new int[capacity];
    offsets = new long[capacity];
    timestamps = new long[capacity];
    keys = new long[capacity];
    values = new long[capacity];
    readNanos = new long[capacity];
    sequences = new long[capacity];
    head = 0;
  }
}

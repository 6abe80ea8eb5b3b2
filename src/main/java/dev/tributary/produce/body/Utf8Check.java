package dev.tributary.produce.body;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks a body's bytes as they arrive against well-formed UTF-8 (RFC 3629: no overlong forms, no
 * encoded surrogates, nothing above U+10FFFF). A sequence may be split between calls. Not thread-safe:
 * one per body.
 *
 * <p>Why this proxy checks what the JSON parser lets through: Jackson decodes an overlong UTF-8
 * sequence ({@code C0 AF} for {@code /}) without complaint.
 */
final class Utf8Check {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private long checked; // bytes of the body checked so far
  private int pending; // continuation bytes still expected
  private int lower = 0x80; // the next continuation byte's bounds
  private int upper = 0xBF;

  /**
   * Checks {@code length} more bytes.
   *
   * @return -1 if they continue a well-formed body, or the position in {@code bytes} of the first byte
   *     that does not
   */
  int check(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      if (pending == 0) {
        // The usual case: ASCII, eight bytes at a time.
        while (i + 8 <= end && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
          i += 8;
        }
        if (i == end) {
          break;
        }
        int b = bytes[i] & 0xFF;
        if (b < 0x80) {
          i++;
          continue;
        }
        if (!lead(b)) {
          return i;
        }
      } else {
        int b = bytes[i] & 0xFF;
        if (b < lower || b > upper) {
          return i;
        }
        pending--;
        lower = 0x80;
        upper = 0xBF;
      }
      i++;
    }
    checked += length;
    return -1;
  }

  /** Whether the body may end here: no sequence is cut short. */
  boolean complete() {
    return pending == 0;
  }

  /**
   * Where the byte at {@code position}, in the array whose check (from {@code offset}) just failed,
   * stands in the whole body.
   */
  long bodyOffset(int position, int offset) {
    return checked + (position - offset);
  }

  /** Takes a lead byte (0x80 and above): sets what must follow; false if it cannot lead. */
  private boolean lead(int b) {
    if (b >= 0xC2 && b <= 0xDF) {
      pending = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      pending = 2;
      lower = b == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
      upper = b == 0xED ? 0x9F : 0xBF; // ED A0..BF would encode a surrogate
    } else if (b >= 0xF0 && b <= 0xF4) {
      pending = 3;
      lower = b == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
      upper = b == 0xF4 ? 0x8F : 0xBF; // F4 90.. would be above U+10FFFF
    } else {
      return false; // a continuation byte, C0 or C1 (always overlong), or F5 and above
    }
    return true;
  }
}

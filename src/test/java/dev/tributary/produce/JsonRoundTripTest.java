package dev.tributary.produce;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testing.Environment;
import dev.tributary.testing.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * JSON data arrives in Kafka as the value that was sent, byte for byte in its compact form: numbers with
 * the text they were written with, strings in UTF-8 with only the escapes JSON requires, whatever
 * whitespace and escapes the client used. Values come from a seeded generator, so a failure repeats.
 */
class JsonRoundTripTest {

  private static final long SEED = 20261202L;
  private static final int VALUES = 400;
  private static final String[] NUMBERS = {
    "0", "-0", "7", "-12", "1.0", "-0.0", "1.0e2", "1E2", "1e+2", "1E-2", "2.5e-300", "1e400", "-1e400",
    "3.1415926535897932384626433832795", "123456789012345678901234567890", "9223372036854775808", "0.000001",
    "1.5E+10"
  };
  /** Characters a string is built from: the ones JSON must escape, multi-byte ones, and pairs. */
  private static final String[] CHARS = {
    "a", "Z", " ", "/", "\"", "\\", "\b", "\t", "\n", "\f", "\r", "\u0000", "\u0001", "\u001f", "\u007f", "é", "ß",
    "\u2028", "中", "\uffff", "😀", "\udbff\udfff", "'"
  };

  private final Environment env = Environment.get();

  @Test
  void jsonDataIsProducedAsSentInCompactFormWhateverWhitespaceAndEscapesCarryIt() {
    Random random = new Random(SEED);
    List<String> expected = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < VALUES; i++) {
      Object value = value(random, 0);
      String compact = write(value, Form.COMPACT, random);
      for (Form form : Form.values()) {
        body.append("{\"value\":{\"type\":\"JSON\",\"data\":").append(write(value, form, random)).append("}}\n");
        expected.add(compact);
      }
    }
    String topic = env.newTopic(1);
    Http.Reply reply = Http.post(env.server().uri(env.recordsPath(topic)), body.toString());
    assertEquals(200, reply.status(), reply.body());
    List<String> reports = reply.lines();
    assertEquals(expected.size(), reports.size());
    List<ConsumerRecord<byte[], byte[]>> records = env.consume(topic, expected.size());
    assertEquals(expected.size(), records.size());
    Pattern size = Pattern.compile("\"value\":\\{\"type\":\"JSON\",\"size\":(\\d+)}");
    for (int i = 0; i < expected.size(); i++) {
      byte[] sent = expected.get(i).getBytes(UTF_8);
      assertEquals(expected.get(i), new String(records.get(i).value(), UTF_8), "record " + i);
      assertEquals(sent.length, records.get(i).value().length, "record " + i);
      Matcher reported = size.matcher(reports.get(i));
      assertEquals(true, reported.find(), reports.get(i));
      assertEquals(sent.length, Integer.parseInt(reported.group(1)), reports.get(i));
    }
  }

  /** How a value is written into the request. */
  private enum Form {
    /** No whitespace, UTF-8 text, only the escapes JSON requires: exactly what Kafka must get. */
    COMPACT,
    /** Whitespace of all four kinds between every two tokens. */
    SPACED,
    /** Every character but plain ASCII letters and digits as a six-character escape (pairs for the astral). */
    ESCAPED
  }

  private static Object value(Random random, int depth) {
    int kind = random.nextInt(depth == 0 ? 4 : 7); // the top level is never a literal: data null is no value
    switch (kind) {
      case 0: {
        List<Object[]> members = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          members.add(new Object[] {string(random), depth < 4 ? value(random, depth + 1) : "leaf"});
        }
        return members;
      }
      case 1: {
        Object[] items = new Object[random.nextInt(4)];
        for (int i = 0; i < items.length; i++) {
          items[i] = depth < 4 ? value(random, depth + 1) : 1;
        }
        return items;
      }
      case 2:
        return new Number(NUMBERS[random.nextInt(NUMBERS.length)]);
      case 3:
        return string(random);
      case 4:
        return Boolean.TRUE;
      case 5:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  private static String string(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(8); i > 0; i--) {
      text.append(CHARS[random.nextInt(CHARS.length)]);
    }
    return text.toString();
  }

  private record Number(String text) {}

  private static String write(Object value, Form form, Random random) {
    StringBuilder out = new StringBuilder();
    write(value, form, random, out);
    return out.toString();
  }

  private static void write(Object value, Form form, Random random, StringBuilder out) {
    if (value instanceof List<?> members) {
      out.append('{');
      for (int i = 0; i < members.size(); i++) {
        Object[] member = (Object[]) members.get(i);
        space(form, random, out).append(i == 0 ? "" : ",");
        space(form, random, out);
        quote((String) member[0], form, out);
        space(form, random, out).append(':');
        space(form, random, out);
        write(member[1], form, random, out);
      }
      space(form, random, out).append('}');
    } else if (value instanceof Object[] items) {
      out.append('[');
      for (int i = 0; i < items.length; i++) {
        space(form, random, out).append(i == 0 ? "" : ",");
        space(form, random, out);
        write(items[i], form, random, out);
      }
      space(form, random, out).append(']');
    } else if (value instanceof Number number) {
      out.append(number.text());
    } else if (value instanceof String text) {
      quote(text, form, out);
    } else {
      out.append(value);
    }
  }

  private static StringBuilder space(Form form, Random random, StringBuilder out) {
    if (form == Form.SPACED) {
      for (int i = random.nextInt(3); i >= 0; i--) {
        out.append(" \t\r\n".charAt(random.nextInt(4)));
      }
    }
    return out;
  }

  /**
   * The compact form escapes {@code "} and {@code \} and the control characters below U+0020, with the
   * short escapes where JSON has one and otherwise a six-character escape in upper-case hex; everything else is
   * itself, in UTF-8.
   */
  private static void quote(String text, Form form, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (form == Form.ESCAPED && !Character.isLetterOrDigit(c) || form == Form.ESCAPED && c > 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
        continue;
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}

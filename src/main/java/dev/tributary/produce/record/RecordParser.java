package dev.tributary.produce.record;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.api.AnyValue;
import dev.tributary.api.EmbeddedFormat;
import dev.tributary.api.ProduceRequest;
import dev.tributary.api.ProduceRequestData;
import dev.tributary.api.ProduceRequestHeader;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import jakarta.annotation.Nullable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one record's tokens into a {@link ProduceRequest}.
 *
 * <p>Why not data binding alone: for a small record, data binding's per-value set-up (a context, a
 * property buffer, type and deserializer lookups) costs more than reading the record, and it was about
 * a sixth of the proxy's CPU time per 100-byte record. So the shapes clients send are read here token
 * by token: the five fields in any order, {@code type} spelled as the enum, {@code data} a string or
 * null, each header a name and a string or null value. Anything else (an unknown or repeated field, a
 * token data binding would coerce, a JSON object as {@code data}, any error) goes to data binding,
 * which also words every error; both paths accept the same records and build equal requests.
 *
 * <p>A field given twice in the record, its key, value or a header is a 400 naming it, before data
 * binding sees the record: data binding keeps the last value of most fields but fails on others with a
 * message naming Java classes, and a record that says two things has no right reading. (Inside a JSON
 * {@code data} value, repeated names are the client's JSON and are read as data binding reads them.)
 * Thread-safe.
 */
final class RecordParser {

  private static final int PARTITION_ID = 1;
  private static final int HEADERS = 2;
  private static final int KEY = 4;
  private static final int VALUE = 8;
  private static final int TIMESTAMP = 16;

  private final ObjectReader dataBinding;

  RecordParser(ObjectMapper mapper) {
    this.dataBinding = mapper.readerFor(ProduceRequest.class);
  }

  /**
   * The request {@code tokens} hold: one JSON value, as framed from the body.
   *
   * @throws TributaryException a 400 for a value that is not an object, or a repeated field
   * @throws IOException data binding's exception for a record that does not match the API document
   */
  ProduceRequest read(TokenBuffer tokens) throws IOException {
    if (tokens.firstToken() != JsonToken.START_OBJECT) {
      throw TributaryException.of(ErrorCode.NOT_AN_OBJECT);
    }
    ProduceRequest request;
    try (JsonParser parser = tokens.asParser()) {
      request = readCommon(parser);
    }
    if (request != null) {
      return request;
    }
    try (JsonParser parser = tokens.asParser()) {
      String duplicate = parser.nextToken() == JsonToken.START_OBJECT ? duplicateField(parser, "", true) : null;
      if (duplicate != null) {
        throw TributaryException.of(ErrorCode.DUPLICATE_FIELD, duplicate);
      }
    }
    try (JsonParser parser = tokens.asParser()) {
      return dataBinding.readValue(parser);
    }
  }

  /**
   * After an object's {@code {}: the path of its first repeated field, looking into the record's key,
   * value and headers when {@code record}; or null. Reads up to the object's {@code }}.
   */
  @Nullable
  private static String duplicateField(JsonParser parser, String path, boolean record) throws IOException {
    Set<String> names = new HashSet<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      String at = path.isEmpty() ? name : path + "." + name;
      if (!names.add(name)) {
        return at;
      }
      JsonToken token = parser.nextToken();
      String inner = null;
      if (record && token == JsonToken.START_OBJECT && (name.equals("key") || name.equals("value"))) {
        inner = duplicateField(parser, at, false);
      } else if (record && token == JsonToken.START_ARRAY && name.equals("headers")) {
        for (int i = 0; inner == null && (token = parser.nextToken()) != JsonToken.END_ARRAY; i++) {
          if (token == JsonToken.START_OBJECT) {
            inner = duplicateField(parser, at + "[" + i + "]", false);
          } else {
            parser.skipChildren();
          }
        }
      } else {
        parser.skipChildren();
      }
      if (inner != null) {
        return inner;
      }
    }
    return null;
  }

  /** The request, or null if it is not one of the shapes read here. */
  @Nullable
  static ProduceRequest readCommon(JsonParser parser) throws IOException {
    try {
      return request(parser);
    } catch (Uncommon e) {
      return null;
    }
  }

  private static ProduceRequest request(JsonParser parser) throws IOException {
    expect(parser.nextToken(), JsonToken.START_OBJECT);
    Integer partitionId = null;
    List<ProduceRequestHeader> headers = null;
    ProduceRequestData key = null;
    ProduceRequestData value = null;
    String timestamp = null;
    int seen = 0;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      int field = field(parser.currentName());
      if (field == 0 || (seen & field) != 0) {
        throw Uncommon.INSTANCE;
      }
      seen |= field;
      token = parser.nextToken();
      boolean isNull = token == JsonToken.VALUE_NULL;
      switch (field) {
        case PARTITION_ID -> partitionId = isNull ? null : intValue(parser, token);
        case HEADERS -> headers = isNull ? null : headers(parser, token);
        case KEY -> key = isNull ? null : data(parser, token);
        case VALUE -> value = isNull ? null : data(parser, token);
        default -> timestamp = isNull ? null : text(parser, token);
      }
    }
    expect(token, JsonToken.END_OBJECT);
    return new ProduceRequest(partitionId, headers, key, value, timestamp);
  }

  private static int field(String name) {
    return switch (name) {
      case "partition_id" -> PARTITION_ID;
      case "headers" -> HEADERS;
      case "key" -> KEY;
      case "value" -> VALUE;
      case "timestamp" -> TIMESTAMP;
      default -> 0;
    };
  }

  /** At {@code [}: the headers up to {@code ]}. */
  private static List<ProduceRequestHeader> headers(JsonParser parser, JsonToken token) throws IOException {
    expect(token, JsonToken.START_ARRAY);
    List<ProduceRequestHeader> headers = new ArrayList<>();
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      String[] header = pair(parser, token, "name", "value");
      if (header[0] == null) {
        throw Uncommon.INSTANCE; // a header without a name is data binding's error to word
      }
      headers.add(new ProduceRequestHeader(header[0], header[1]));
    }
    return headers;
  }

  /** At a key's or value's {@code {}: the data up to {@code }}. */
  private static ProduceRequestData data(JsonParser parser, JsonToken token) throws IOException {
    String[] data = pair(parser, token, "type", "data");
    EmbeddedFormat type = data[0] == null ? null : format(data[0]);
    return new ProduceRequestData(type, data[1] == null ? null : AnyValue.text(data[1]));
  }

  /**
   * At {@code {}: an object of at most the fields {@code first} and {@code second}, each a string or
   * null, up to its {@code }}; their values, null for a JSON null or an absent field.
   */
  private static String[] pair(JsonParser parser, JsonToken token, String first, String second)
      throws IOException {
    expect(token, JsonToken.START_OBJECT);
    String[] values = new String[2];
    boolean[] seen = new boolean[2];
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      int index = name.equals(first) ? 0 : name.equals(second) ? 1 : -1;
      if (index < 0 || seen[index]) {
        throw Uncommon.INSTANCE;
      }
      seen[index] = true;
      token = parser.nextToken();
      values[index] = token == JsonToken.VALUE_NULL ? null : text(parser, token);
    }
    expect(token, JsonToken.END_OBJECT);
    return values;
  }

  private static int intValue(JsonParser parser, JsonToken token) throws IOException {
    expect(token, JsonToken.VALUE_NUMBER_INT);
    if (parser.getNumberType() != JsonParser.NumberType.INT) {
      throw Uncommon.INSTANCE;
    }
    return parser.getIntValue();
  }

  private static String text(JsonParser parser, JsonToken token) throws IOException {
    expect(token, JsonToken.VALUE_STRING);
    return parser.getText();
  }

  private static void expect(JsonToken token, JsonToken expected) {
    if (token != expected) {
      throw Uncommon.INSTANCE;
    }
  }

  private static EmbeddedFormat format(String name) {
    return switch (name) {
      case "BINARY" -> EmbeddedFormat.BINARY;
      case "JSON" -> EmbeddedFormat.JSON;
      case "STRING" -> EmbeddedFormat.STRING;
      default -> throw Uncommon.INSTANCE;
    };
  }

  /**
   * Leaves the streaming read for data binding. One shared instance without a stack trace: it is
   * control flow, thrown for every record of an unusual shape.
   */
  private static final class Uncommon extends RuntimeException {
    static final Uncommon INSTANCE = new Uncommon();

    private Uncommon() {
      super(null, null, false, false);
    }
  }
}

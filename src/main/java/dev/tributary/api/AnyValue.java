package dev.tributary.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A key's or value's {@code data} as sent (the API document's {@code AnyValue}): a JSON string, the usual
 * case, or any other JSON value kept as its tokens. Numbers keep the text they were written with ({@code
 * 1e400}, {@code 1.0e2}, {@code -0.0}, 40-digit decimals), so the value can be produced exactly as sent.
 * JSON {@code null} is no value: a {@code data} that is null or absent is a Java null.
 */
@JsonDeserialize(using = AnyValue.Reader.class)
public final class AnyValue {

  private final String text;
  private final TokenBuffer tokens;

  private AnyValue(String text, TokenBuffer tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  /** A JSON string. */
  public static AnyValue text(String text) {
    return new AnyValue(Objects.requireNonNull(text, "text"), null);
  }

  /** Any JSON value but a string or null, as tokens (a buffer that kept number text). */
  public static AnyValue tokens(TokenBuffer tokens) {
    return new AnyValue(null, Objects.requireNonNull(tokens, "tokens"));
  }

  public boolean isText() {
    return text != null;
  }

  /** The string; only for {@link #isText()}. */
  public String text() {
    if (text == null) {
      throw new IllegalStateException("not a string: " + this);
    }
    return text;
  }

  /**
   * Writes the value to {@code out} as sent, apart from whitespace: numbers with the text they were
   * written with, and each string and field name as {@code strings} returns it (which may check it, and
   * throw).
   */
  public void writeTo(JsonGenerator out, UnaryOperator<String> strings) throws IOException {
    if (text != null) {
      out.writeString(strings.apply(text));
      return;
    }
    try (JsonParser parser = tokens.asParser()) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case FIELD_NAME -> out.writeFieldName(strings.apply(parser.currentName()));
          case VALUE_STRING -> out.writeString(strings.apply(parser.getText()));
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.writeNumber(parser.getText());
          default -> out.copyCurrentEvent(parser);
        }
      }
    }
  }

  /** The value as compact JSON, numbers as written (a string as itself): what an error message quotes back. */
  @Override
  public String toString() {
    if (text != null) {
      return text;
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = new JsonFactory().createGenerator(out)) {
      writeTo(generator, UnaryOperator.identity());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Equal values are the same JSON text, numbers as written. */
  @Override
  public boolean equals(Object other) {
    return other instanceof AnyValue that
        && isText() == that.isText()
        && toString().equals(that.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** Reads {@code data}: a string as text, anything else as a copy of its tokens. */
  static final class Reader extends StdDeserializer<AnyValue> {

    Reader() {
      super(AnyValue.class);
    }

    @Override
    public AnyValue deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_STRING) {
        return text(parser.getText());
      }
      return tokens(context.bufferAsCopyOfValue(parser));
    }
  }
}

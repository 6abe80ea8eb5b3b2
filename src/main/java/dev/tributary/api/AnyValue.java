package dev.tributary.api;

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

  /** A parser over the value's tokens; only for a value that is not {@link #isText()}. */
  public JsonParser parser() {
    if (tokens == null) {
      throw new IllegalStateException("a string has no tokens");
    }
    return tokens.asParser();
  }

  /** The value as compact JSON, numbers as written: what an error message quotes back. */
  @Override
  public String toString() {
    if (text != null) {
      return text;
    }
    StringWriter out = new StringWriter();
    try (JsonParser parser = tokens.asParser();
        JsonGenerator generator = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token.isNumeric()) {
          generator.writeNumber(parser.getText());
        } else {
          generator.copyCurrentEvent(parser);
        }
      }
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

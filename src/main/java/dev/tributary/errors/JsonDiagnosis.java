package dev.tributary.errors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.tributary.api.EmbeddedFormat;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What Jackson found wrong with a body or a record, in the user's words: the JSON rule broken or the
 * field at fault, never a Java type, parser class or switch name. Pure functions.
 */
public final class JsonDiagnosis {

  /** Fields of the reference's Schema Registry formats, which this proxy does not serve. */
  private static final Set<String> SCHEMA_REGISTRY_FIELDS =
      Set.of("schema", "schema_id", "schema_version", "subject", "subject_name_strategy");

  private static final String SUPPORTED_TYPES =
      "Schema Registry formats are not supported; supported types are BINARY, JSON and STRING.";

  private JsonDiagnosis() {}

  /** Jackson's diagnosis of a record, in the user's words: field names, never Java type names. */
  static String describe(JacksonException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      String name = u.getPropertyName();
      return SCHEMA_REGISTRY_FIELDS.contains(name)
          ? "Unsupported field \"" + name + "\": " + SUPPORTED_TYPES
          : "Unrecognized field \"" + name + "\"";
    }
    if (e instanceof InvalidFormatException f
        && f.getTargetType() == EmbeddedFormat.class
        && f.getValue() instanceof String) {
      return "Unsupported type " + f.getValue() + " at " + path(f.getPath()) + ": " + SUPPORTED_TYPES;
    }
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      return v.getCause().getMessage() + ".";
    }
    if (e instanceof MismatchedInputException m) {
      List<JsonMappingException.Reference> path = m.getPath();
      return path.isEmpty()
          ? "A record must be a JSON object."
          : path(path) + " must be " + expected(m.getTargetType(), path) + ".";
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return "Invalid value at " + path(m.getPath()) + ": " + ErrorCode.oneLine(m.getOriginalMessage());
    }
    return withoutLocation(e.getOriginalMessage());
  }

  /**
   * What is wrong with a body the parser cannot read, in the user's words: the JSON rule broken, or the
   * limit exceeded with its value, never a parser class, method or feature name (Jackson's messages name
   * the switch that would accept the input; that switch is this proxy's, not the client's).
   *
   * @param limits the limits the parser applied, stated in the message
   */
  public static String syntax(JsonProcessingException e, StreamReadConstraints limits) {
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      if (message.contains("NestingDepth")) {
        return "JSON nested more than " + limits.getMaxNestingDepth() + " levels deep is not accepted.";
      }
      if (message.contains("NumberLength")) {
        return "A number longer than " + limits.getMaxNumberLength() + " characters is not accepted.";
      }
      if (message.contains("NameLength")) {
        return "A field name longer than " + limits.getMaxNameLength() + " characters is not accepted.";
      }
      if (message.contains("StringLength")) {
        return "A string longer than " + limits.getMaxStringLength() + " characters is not accepted.";
      }
      return "The JSON exceeds a limit of this proxy.";
    }
    for (String[] rule : NON_STANDARD_JSON) {
      if (message.contains(rule[0])) {
        return rule[1];
      }
    }
    // Jackson's remaining messages name no switch, but may still quote Java names in backticks.
    return withoutLocation(message).replaceAll("\\s*\\(from `[^`]*`\\)", "").replaceAll("`[^`]*`", "");
  }

  /** Input Jackson refuses unless one of its switches says otherwise: the switch, and the JSON rule. */
  private static final String[][] NON_STANDARD_JSON = {
    {"ALLOW_NON_NUMERIC_NUMBERS", "NaN and Infinity are not JSON numbers."},
    {"ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS", "A JSON number cannot start with '+'."},
    {"ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS", "A JSON number cannot start with '.'."},
    {"ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS", "A JSON number cannot end with '.'."},
    {"ALLOW_LEADING_ZEROS_FOR_NUMBERS", "A JSON number cannot start with a zero."},
    {"ALLOW_COMMENTS", "JSON has no comments."},
    {"ALLOW_YAML_COMMENTS", "JSON has no comments."},
    {"ALLOW_SINGLE_QUOTES", "JSON strings and field names are in double quotes."},
    {"ALLOW_UNQUOTED_FIELD_NAMES", "JSON field names are in double quotes."},
    {"ALLOW_UNESCAPED_CONTROL_CHARS", "A control character in a JSON string must be escaped."},
    {"ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER", "A JSON string has an escape that JSON does not define."},
    {"ALLOW_MISSING_VALUES", "A JSON array cannot have an empty element."},
    {"ALLOW_TRAILING_COMMA", "A JSON object or array cannot end with a comma."},
  };

  /**
   * A parser message without the source location Jackson embeds in some of them: the client knows its
   * own input, and the location names parser internals.
   */
  public static String withoutLocation(String message) {
    return ErrorCode.oneLine(message)
        .replaceAll("\\s*\\(start marker at \\[Source:.*?\\]\\)", "")
        .replaceAll("\\s*at \\[Source:.*?\\]", "")
        .replaceAll("\\s*\\[Source:.*?\\]", "");
  }

  private static String path(List<JsonMappingException.Reference> path) {
    StringBuilder text = new StringBuilder();
    for (JsonMappingException.Reference reference : path) {
      if (reference.getFieldName() != null) {
        text.append(text.length() == 0 ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        text.append('[').append(reference.getIndex()).append(']');
      }
    }
    return text.toString();
  }

  private static String expected(Class<?> type, List<JsonMappingException.Reference> path) {
    if (type == null) {
      return "a valid value";
    }
    JsonMappingException.Reference last = path.get(path.size() - 1);
    if (type == String.class && "value".equals(last.getFieldName()) && "headers".equals(path.get(0).getFieldName())) {
      return "a base64 string or null";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == EmbeddedFormat.class) {
      return "one of BINARY, JSON, STRING";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }
}

package dev.tributary.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration key, declared in one statement: its name, its type and what it accepts, its default,
 * and its documentation, which is the README's configuration table row ({@link Settings#readmeTable}).
 * A key ending in {@code .} is a prefix: the keys under it are passed on, and only documented here.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {

  private final String key;
  private final T defaultValue;
  private final String shownDefault;
  private final Function<String, T> parser;
  private final String doc;

  private Setting(String key, T defaultValue, String shownDefault, Function<String, T> parser, String doc) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.shownDefault = shownDefault;
    this.parser = parser;
    this.doc = doc;
  }

  /**
   * A whole number from {@code min} to {@code max}.
   *
   * @param defaultValue null: the key is required
   */
  static Setting<Long> number(String key, long min, long max, Long defaultValue, String doc) {
    return new Setting<>(
        key,
        defaultValue,
        defaultValue == null ? "" : defaultValue.toString(),
        raw -> {
          long value;
          try {
            value = Long.parseLong(raw);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number, was \"" + raw + "\"");
          }
          if (value < 0 && min >= 0) {
            throw new IllegalArgumentException("must not be negative, was " + value);
          }
          if (value < min) {
            throw new IllegalArgumentException(
                (min == 1 ? "must be greater than 0" : "must be at least " + min) + ", was " + value);
          }
          if (value > max) {
            throw new IllegalArgumentException("must be at most " + max + ", was " + value);
          }
          return value;
        },
        doc);
  }

  static Setting<Boolean> flag(String key, boolean defaultValue, String doc) {
    return new Setting<>(
        key,
        defaultValue,
        Boolean.toString(defaultValue),
        raw -> {
          if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
          }
          throw new IllegalArgumentException("must be true or false, was \"" + raw + "\"");
        },
        doc);
  }

  /** One of {@code type}'s constants, in any case. */
  static <E extends Enum<E>> Setting<E> choice(String key, Class<E> type, E defaultValue, String doc) {
    List<String> names = List.of(type.getEnumConstants()).stream().map(Enum::name).toList();
    return new Setting<>(
        key,
        defaultValue,
        defaultValue.name(),
        raw -> {
          try {
            return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "must be " + String.join(" or ", names) + ", was \"" + raw + "\"");
          }
        },
        doc);
  }

  /**
   * Text that {@code parser} checks (it throws {@link IllegalArgumentException} with what is wrong).
   *
   * @param defaultValue null: the key is required
   */
  static <T> Setting<T> text(String key, T defaultValue, String shownDefault, Function<String, T> parser, String doc) {
    return new Setting<>(key, defaultValue, shownDefault, parser, doc);
  }

  /** Keys under {@code prefix} (ending in a dot) are passed on to a Kafka client. */
  static Setting<Void> prefix(String prefix, String doc) {
    return new Setting<>(prefix, null, "", raw -> null, doc);
  }

  /** The same key, its default shown in the README as {@code text} (a default derived from other keys). */
  Setting<T> shownAs(String text) {
    return new Setting<>(key, defaultValue, text, parser, doc);
  }

  public String key() {
    return key;
  }

  /** Whether this stands for every key under it, rather than one key. */
  boolean isPrefix() {
    return key.endsWith(".");
  }

  /** The default as the README shows it. */
  String shownDefault() {
    return shownDefault;
  }

  /** What the key means, one line, as the README shows it (Markdown). */
  String doc() {
    return doc;
  }

  /** This key's value in {@code sources} (the first that sets it), or its default. */
  T from(List<ConfigSource> sources) {
    for (ConfigSource source : sources) {
      Optional<String> raw = source.get(key);
      if (raw.isPresent()) {
        try {
          return parser.apply(raw.get().trim());
        } catch (IllegalArgumentException e) {
          throw new ConfigException(key, e.getMessage());
        }
      }
    }
    if (defaultValue == null && !isPrefix()) {
      throw new ConfigException(key, "is required: " + doc.replace("`", "") + ".");
    }
    return defaultValue;
  }
}

package dev.tributary.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One place configuration can come from, addressed by the reference's dotted key names.
 *
 * <p>{@link TributaryConfig#load} layers three of these: servlet context init-parameters over Java system
 * properties {@code tributary.<key>} over environment variables {@code TRIBUTARY_<KEY>}.
 */
public interface ConfigSource {

  /** The raw value of {@code key}, if this source sets it. */
  Optional<String> get(String key);

  /** Every key this source sets that starts with {@code prefix}, with the prefix removed. */
  Map<String, String> withPrefix(String prefix);

  /** A source over keys exactly as named: servlet context init-parameters, or a map in tests. */
  static ConfigSource of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new ConfigSource() {
      @Override
      public Optional<String> get(String key) {
        return Optional.ofNullable(copy.get(key));
      }

      @Override
      public Map<String, String> withPrefix(String prefix) {
        return stripPrefix(copy, prefix, Function.identity());
      }
    };
  }

  /** Java system properties named {@code tributary.<key>}. */
  static ConfigSource systemProperties(Map<String, String> properties) {
    return renamed(properties, key -> "tributary." + key, name -> name);
  }

  /**
   * Environment variables named {@code TRIBUTARY_<KEY>}: the key upper-cased, dots as underscores, so
   * {@code bootstrap.servers} is {@code TRIBUTARY_BOOTSTRAP_SERVERS} and {@code producer.linger.ms} is
   * {@code TRIBUTARY_PRODUCER_LINGER_MS}.
   */
  static ConfigSource environment(Map<String, String> environment) {
    return environment(environment, "TRIBUTARY_");
  }

  /** Environment variables named {@code prefix} then the key as {@link #environment(Map)} names it. */
  static ConfigSource environment(Map<String, String> environment, String prefix) {
    return renamed(
        environment,
        key -> prefix + key.replace('.', '_').toUpperCase(java.util.Locale.ROOT),
        name -> name.replace('_', '.').toLowerCase(java.util.Locale.ROOT));
  }

  private static ConfigSource renamed(
      Map<String, String> values, Function<String, String> nameOf, Function<String, String> keyOf) {
    Map<String, String> copy = Map.copyOf(values);
    return new ConfigSource() {
      @Override
      public Optional<String> get(String key) {
        return Optional.ofNullable(copy.get(nameOf.apply(key)));
      }

      @Override
      public Map<String, String> withPrefix(String prefix) {
        return stripPrefix(copy, nameOf.apply(prefix), keyOf);
      }
    };
  }

  private static Map<String, String> stripPrefix(
      Map<String, String> values, String prefix, Function<String, String> keyOf) {
    Map<String, String> found = new TreeMap<>();
    values.forEach(
        (name, value) -> {
          if (name.startsWith(prefix) && name.length() > prefix.length()) {
            found.put(keyOf.apply(name.substring(prefix.length())), value);
          }
        });
    return found;
  }
}

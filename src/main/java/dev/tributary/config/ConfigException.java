package dev.tributary.config;

/** A configuration value that is missing or malformed; the message names the key. */
public final class ConfigException extends RuntimeException {
  ConfigException(String key, String problem) {
    super("Invalid configuration " + key + ": " + problem);
  }
}

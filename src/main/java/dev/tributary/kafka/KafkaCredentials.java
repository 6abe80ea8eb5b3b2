package dev.tributary.kafka;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A caller's Kafka user name and password, for a SASL mechanism whose login module takes them (PLAIN,
 * SCRAM-SHA-256, SCRAM-SHA-512). Never printed: {@link #toString} hides both.
 */
public record KafkaCredentials(String username, String password) {

  public KafkaCredentials {
    if (!acceptable(username, password)) {
      throw new IllegalArgumentException("A Kafka user name must be non-empty and neither may hold control characters");
    }
  }

  /** Whether {@code username} and {@code password} can be credentials here. */
  public static boolean acceptable(String username, String password) {
    return !username.isEmpty() && !hasControlCharacter(username) && !hasControlCharacter(password);
  }

  /** The {@code sasl.jaas.config} value that logs in as this user with {@code mechanism}. */
  String jaasConfig(String mechanism) {
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return module + " required username=" + quoted(username) + " password=" + quoted(password) + ";";
  }

  /**
   * The user name and a digest of the password salted with {@code salt}: equal only for equal
   * credentials, and never the password itself.
   */
  String poolKey(byte[] salt) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      digest.update(password.getBytes(StandardCharsets.UTF_8));
      return username + '\u0000' + Base64.getEncoder().encodeToString(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /** A JAAS quoted string: Kafka's parser reads backslash escapes inside quotes. */
  private static String quoted(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static boolean hasControlCharacter(String text) {
    return text.chars().anyMatch(c -> c < 0x20 || c == 0x7F);
  }

  @Override
  public String toString() {
    return "KafkaCredentials[hidden]";
  }
}

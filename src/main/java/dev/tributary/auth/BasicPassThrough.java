package dev.tributary.auth;

import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.KafkaCredentials;
import dev.tributary.kafka.SenderLease;
import dev.tributary.kafka.SenderPool;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * HTTP Basic authentication (RFC 7617) passed through: the user name and password are not checked
 * here but handed to Kafka as the caller's SASL credentials, so Kafka authenticates the caller and its
 * ACLs authorize each record. Credentials are decoded as UTF-8.
 */
final class BasicPassThrough implements Authenticator {

  private static final String SCHEME = "basic ";

  private final SenderPool pool;

  BasicPassThrough(SenderPool pool) {
    this.pool = pool;
  }

  @Override
  public SenderLease authenticate(String authorization) {
    return pool.acquire(credentials(authorization));
  }

  /** The credentials in an {@code Authorization: Basic ...} header; 401 if there are none. */
  static KafkaCredentials credentials(String authorization) {
    if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      throw TributaryException.of(ErrorCode.AUTHENTICATION_REQUIRED);
    }
    String decoded;
    try {
      byte[] bytes = Base64.getDecoder().decode(authorization.substring(SCHEME.length()).trim());
      decoded = new String(bytes, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      throw TributaryException.of(ErrorCode.AUTHENTICATION_REQUIRED);
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw TributaryException.of(ErrorCode.AUTHENTICATION_REQUIRED);
    }
    String username = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    if (!KafkaCredentials.acceptable(username, password)) {
      throw TributaryException.of(ErrorCode.AUTHENTICATION_REQUIRED);
    }
    return new KafkaCredentials(username, password);
  }
}

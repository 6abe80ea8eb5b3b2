package dev.tributary.kafka;

import java.util.Map;

/**
 * What a topic's broker refuses of a single record, from the topic's configuration: a record that breaks
 * one of these rules fails the whole producer batch it is in, records of other streams included, so it
 * must never reach the producer.
 *
 * @param maxMessageBytes {@code max.message.bytes}
 * @param createTime whether {@code message.timestamp.type} is {@code CreateTime}, so the broker checks the
 *     record's own timestamp (with {@code LogAppendTime} it replaces it)
 * @param timestampBeforeMaxMs {@code message.timestamp.before.max.ms}: how far in the past a timestamp
 *     may be
 * @param timestampAfterMaxMs {@code message.timestamp.after.max.ms}: how far in the future
 * @param compacted whether {@code cleanup.policy} includes {@code compact}, so a record needs a key
 */
public record TopicRules(
    int maxMessageBytes,
    boolean createTime,
    long timestampBeforeMaxMs,
    long timestampAfterMaxMs,
    boolean compacted) {

  /** No rule known: the proxy may not read the topic's configuration. The broker still enforces its own. */
  public static final TopicRules UNKNOWN = new TopicRules(Integer.MAX_VALUE, false, Long.MAX_VALUE, Long.MAX_VALUE, false);

  /** The rules in a topic's configuration, as {@code describeConfigs} reports it (defaults included). */
  static TopicRules of(Map<String, String> config) {
    return new TopicRules(
        (int) number(config.get("max.message.bytes"), Integer.MAX_VALUE),
        !"LogAppendTime".equals(config.get("message.timestamp.type")),
        number(config.get("message.timestamp.before.max.ms"), Long.MAX_VALUE),
        number(config.get("message.timestamp.after.max.ms"), Long.MAX_VALUE),
        config.getOrDefault("cleanup.policy", "").contains("compact"));
  }

  private static long number(String value, long otherwise) {
    try {
      return value == null ? otherwise : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}

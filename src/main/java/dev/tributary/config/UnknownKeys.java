package dev.tributary.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Keys under the proxy's own prefixes that no {@link Setting} has: typos, named with the nearest key. */
final class UnknownKeys {

  private UnknownKeys() {}

  private static final List<String> OWN_PREFIXES = List.of("api.", "streaming.", "authentication.", "metrics.", "exactly.once.", "shutdown.");

  /**
   * A warning for each key under one of the proxy's own prefixes that no setting has, naming the nearest
   * key there is (a typo such as {@code ...rate.limit.enable}).
   */
  static List<String> in(List<ConfigSource> sources) {
    Set<String> known = new TreeSet<>();
    Settings.ALL.stream().filter(setting -> !setting.isPrefix()).map(Setting::key).forEach(known::add);
    Set<String> seen = new TreeSet<>();
    for (ConfigSource source : sources) {
      for (String prefix : OWN_PREFIXES) {
        source.withPrefix(prefix).keySet().forEach(rest -> seen.add(prefix + rest));
      }
    }
    List<String> warnings = new ArrayList<>();
    for (String key : seen) {
      if (!known.contains(key)) {
        String nearest = known.stream().min(java.util.Comparator.comparingInt(k -> distance(k, key))).orElse("");
        warnings.add("Unknown setting " + key + " is ignored; did you mean " + nearest + "?");
      }
    }
    return List.copyOf(warnings);
  }

  /** The Levenshtein distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

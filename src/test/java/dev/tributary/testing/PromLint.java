package dev.tributary.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of {@code promtool check metrics} (Prometheus's promlint), over a scrape in Prometheus text
 * format 0.0.4, plus one of this project's: a unit named twice. A parser of that format, not a guess at
 * it: a line that is neither a comment nor a well-formed sample is itself a finding.
 *
 * <p>The rules, in promlint's words where it has them: every family has help text; names and label
 * names in snake_case, with no colons; counters end in {@code _total}, and nothing else does; only
 * histograms and summaries end in {@code _count}, {@code _sum} or {@code _bucket}, and only they use the
 * labels {@code le} and {@code quantile}; no abbreviated units ({@code ms}, {@code ns}, {@code kb} ...);
 * base units only (seconds, not milliseconds; bytes, not kilobytes); no metric type in a name.
 */
public final class PromLint {

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
  private static final Pattern SNAKE = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Set<String> ABBREVIATED =
      Set.of("s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d");
  private static final Map<String, String> NOT_BASE =
      Map.ofEntries(
          Map.entry("milliseconds", "seconds"), Map.entry("microseconds", "seconds"),
          Map.entry("nanoseconds", "seconds"), Map.entry("minutes", "seconds"), Map.entry("hours", "seconds"),
          Map.entry("days", "seconds"), Map.entry("weeks", "seconds"), Map.entry("kilobytes", "bytes"),
          Map.entry("megabytes", "bytes"), Map.entry("gigabytes", "bytes"), Map.entry("bits", "bytes"),
          Map.entry("millis", "seconds"), Map.entry("nanos", "seconds"));
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
  private static final Set<String> UNITS = Set.of("seconds", "bytes", "ratio", "percent", "celsius", "meters");

  private PromLint() {}

  /** One family: its type and help as declared, and the names of its samples. */
  private static final class Family {
    String type;
    String help;
    final List<String> samples = new ArrayList<>();
    final List<String> labels = new ArrayList<>();
  }

  /** Every finding, as "family: problem"; empty if promtool would print none. */
  public static List<String> check(String scrape) {
    Map<String, Family> families = new LinkedHashMap<>();
    List<String> findings = new ArrayList<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        families.computeIfAbsent(parts[0], k -> new Family()).help = parts.length > 1 ? parts[1] : "";
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        families.computeIfAbsent(parts[0], k -> new Family()).type = parts.length > 1 ? parts[1] : "";
      } else if (line.startsWith("#")) {
        continue;
      } else {
        Matcher sample = SAMPLE.matcher(line);
        if (!sample.matches()) {
          findings.add(line + ": not a sample in the text format");
          continue;
        }
        String name = sample.group(1);
        Family family = families.get(familyOf(name, families));
        if (family == null) {
          findings.add(name + ": a sample without # TYPE");
          continue;
        }
        family.samples.add(name);
        if (sample.group(3) != null) {
          Matcher label = LABEL.matcher(sample.group(3));
          while (label.find()) {
            family.labels.add(label.group(1));
          }
        }
      }
    }
    families.forEach((name, family) -> lint(name, family, findings));
    return findings;
  }

  /** The family a sample belongs to: its own name, or that name without a histogram/summary suffix. */
  private static String familyOf(String sample, Map<String, Family> families) {
    if (families.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum", "_created", "_max")) {
      if (sample.endsWith(suffix) && families.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    return sample;
  }

  private static void lint(String name, Family family, List<String> findings) {
    if (family.help == null || family.help.isBlank()) {
      findings.add(name + ": no help text");
    }
    String type = family.type == null ? "untyped" : family.type;
    if (!SNAKE.matcher(name).matches()) {
      findings.add(name + ": metric names should be written in 'snake_case' without colons");
    }
    boolean counter = type.equals("counter");
    if (counter && !name.endsWith("_total")) {
      findings.add(name + ": counter metrics should have \"_total\" suffix");
    }
    if (!counter && name.endsWith("_total")) {
      findings.add(name + ": non-counter metrics should not have \"_total\" suffix");
    }
    boolean distribution = type.equals("histogram") || type.equals("summary");
    for (String suffix : List.of("_count", "_sum", "_bucket")) {
      if (!distribution && name.endsWith(suffix)) {
        findings.add(name + ": non-histogram and non-summary metrics should not have \"" + suffix + "\" suffix");
      }
    }
    for (String label : family.labels) {
      if (!SNAKE.matcher(label).matches()) {
        findings.add(name + ": label names should be written in 'snake_case' not 'camelCase': " + label);
      }
      if (!distribution && (label.equals("le") || label.equals("quantile"))) {
        findings.add(name + ": non-histogram and non-summary metrics should not have \"" + label + "\" label");
      }
    }
    String[] tokens = name.split("_");
    List<String> units = new ArrayList<>();
    for (String token : tokens) {
      if (ABBREVIATED.contains(token)) {
        findings.add(name + ": metric names should not contain abbreviated units: " + token);
      }
      if (NOT_BASE.containsKey(token)) {
        findings.add(name + ": use base unit \"" + NOT_BASE.get(token) + "\" instead of \"" + token + "\"");
      }
      if (TYPES.contains(token)) {
        findings.add(name + ": metric name should not include type '" + token + "'");
      }
      if (UNITS.contains(token)) {
        if (units.contains(token)) {
          findings.add(name + ": names its unit twice: " + token);
        }
        units.add(token);
      }
    }
  }
}

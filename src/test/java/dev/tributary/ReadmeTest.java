package dev.tributary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README as a reader meets it: a document that stands on its own. */
class ReadmeTest {

  @Test
  void eachSectionIsWrittenOnce() throws IOException {
    List<String> headings =
        Files.readAllLines(Path.of("README.md")).stream().filter(line -> line.startsWith("#")).toList();
    Map<String, Long> repeated =
        headings.stream()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
            .entrySet()
            .stream()
            .filter(heading -> heading.getValue() > 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertEquals(Map.of(), repeated, "headings written more than once");
  }

  @Test
  void theConfigurationTableIsTheSettingsTable() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String table = Settings.readmeTable();
    assertTrue(
        readme.contains(table),
        "README's configuration table differs from the settings (config/Settings); paste this:\n" + table);
  }
}

package dev.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;

/** The built WAR: no class in two of its libraries, and none of the APIs it does not use. */
class WarContentsIT {

  @Test
  void noClassIsShippedTwiceAndNoUnusedApiIsShipped() throws Exception {
    Map<String, List<String>> jarsOf = new TreeMap<>();
    List<String> libraries = new ArrayList<>();
    try (JarFile war = new JarFile(ServerProcess.property("tributary.war").toFile())) {
      for (JarEntry entry : java.util.Collections.list(war.entries())) {
        if (!entry.getName().startsWith("WEB-INF/lib/") || !entry.getName().endsWith(".jar")) {
          continue;
        }
        String library = entry.getName().substring("WEB-INF/lib/".length());
        libraries.add(library);
        try (InputStream in = war.getInputStream(entry); JarInputStream jar = new JarInputStream(in)) {
          for (JarEntry inner; (inner = jar.getNextJarEntry()) != null; ) {
            String name = inner.getName();
            if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
              jarsOf.computeIfAbsent(name, k -> new ArrayList<>()).add(library);
            }
          }
        }
      }
    }
    assertTrue(libraries.stream().anyMatch(l -> l.startsWith("kafka-clients-")), libraries.toString());
    Map<String, List<String>> twice = new TreeMap<>();
    jarsOf.forEach((name, jars) -> {
      if (jars.size() > 1) {
        twice.put(name, jars);
      }
    });
    assertEquals(Map.of(), twice);
    assertEquals(
        List.of(),
        libraries.stream().filter(l -> l.startsWith("jakarta.xml.bind") || l.contains("activation")).toList());
  }
}

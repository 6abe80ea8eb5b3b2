package dev.tributary.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint's rooms depend on each other one way only, as the package comments draw them:
 *
 * <pre>
 *   produce ──► body ──► flow
 *      │  └───► reports ──► record
 *      │           └──────► flow
 *      └──────► record
 * </pre>
 *
 * and nothing outside {@code produce} but the application class depends on it. Java has no sub-package
 * privacy, so the types one room hands to the next are public; what keeps a room from reaching the rooms
 * beside it is this test. Each room is compiled by the Java compiler with only the sources it may depend
 * on, so a reference to any other (an import, a qualified name, even a javadoc link) fails its compilation,
 * and the failure names the file, the line and the type it reached for.
 */
class RoomsTest {

  private static final Path MAIN = Path.of("src/main/java");
  private static final Path PRODUCE = MAIN.resolve("dev/tributary/produce");

  @TempDir static Path out;
  private static String libraries;
  private static Path outside;

  /**
   * Everything outside {@code produce}, but the one class that wires everything, compiles without it.
   * (Its javadoc may name that class: a comment is not a dependency there.)
   */
  @BeforeAll
  static void compileTheRestAlone() throws IOException {
    libraries = libraries();
    outside = out.resolve("outside");
    List<Path> sources;
    try (Stream<Path> all = Files.walk(MAIN)) {
      sources =
          all.filter(path -> path.toString().endsWith(".java"))
              .filter(path -> !path.startsWith(PRODUCE))
              .filter(path -> !path.endsWith("TributaryApplication.java"))
              .toList();
    }
    assertEquals("", compile(sources, outside, libraries, false), "the code outside produce/ reaches into it");
  }

  @Test
  void theFlowHelpersDependOnNothingOfTheProxy() throws IOException {
    assertEquals("", compile(sources("flow"), out.resolve("flow"), "", true));
  }

  @Test
  void theBodysReadingReachesOnlyTheFlowHelpers() throws IOException {
    assertEquals("", compile(sources("body", "flow"), out.resolve("body"), classPath(), true));
  }

  @Test
  void theRecordReachesNoOtherRoom() throws IOException {
    assertEquals("", compile(sources("record"), out.resolve("record"), classPath(), true));
  }

  @Test
  void theReportsReachOnlyTheRecordAndTheFlowHelpers() throws IOException {
    assertEquals("", compile(sources("reports", "record", "flow"), out.resolve("reports"), classPath(), true));
  }

  private static String classPath() {
    return outside + File.pathSeparator + libraries;
  }

  /** The sources of the named rooms of {@code produce}. */
  private static List<Path> sources(String... rooms) throws IOException {
    List<Path> sources = new ArrayList<>();
    for (String room : rooms) {
      try (Stream<Path> files = Files.list(PRODUCE.resolve(room))) {
        files.filter(path -> path.toString().endsWith(".java")).forEach(sources::add);
      }
    }
    return sources;
  }

  /**
   * Compiles {@code sources} into {@code into} against {@code classPath}; returns the errors, or "". With
   * {@code docReferences}, a javadoc reference that cannot be resolved is an error too.
   */
  private static String compile(List<Path> sources, Path into, String classPath, boolean docReferences)
      throws IOException {
    Files.createDirectories(into);
    Path noSources = Files.createDirectories(out.resolve("no-sources"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
      List<String> options =
          List.of(
              "--release", "17", docReferences ? "-Xdoclint:reference" : "-Xdoclint:none", "-proc:none", "-implicit:none", "-nowarn", "-Xlint:none",
              "-d", into.toString(), "-sourcepath", noSources.toString(), "-classpath", classPath);
      javac.getTask(null, files, diagnostics, options, null, units).call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(diagnostic -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT) + "\n")
        .collect(Collectors.joining());
  }

  /**
   * The libraries the code compiles against: the test class path without the project's own classes.
   * Surefire may hand the class path over in a jar's manifest; its entries are read from there.
   */
  private static String libraries() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      entries.add(entry);
      if (entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(entry)) {
          Manifest manifest = jar.getManifest();
          String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (classPath != null) {
            URI base = Path.of(entry).toUri();
            for (String relative : classPath.trim().split(" +")) {
              entries.add(Path.of(base.resolve(relative)).toString());
            }
          }
        }
      }
    }
    Path classes = Path.of("target/classes").toAbsolutePath();
    Path testClasses = Path.of("target/test-classes").toAbsolutePath();
    return entries.stream()
        .filter(entry -> !Path.of(entry).toAbsolutePath().startsWith(classes))
        .filter(entry -> !Path.of(entry).toAbsolutePath().startsWith(testClasses))
        .collect(Collectors.joining(File.pathSeparator));
  }
}

package dev.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document passes the two linters its readers use: Redocly's recommended rules and
 * Spectral's OpenAPI rules, with no errors. The build installs both (pinned in src/test/openapi-lint)
 * into target/openapi-lint with the machine's Node.js while the unit tests run.
 */
class OpenApiLintIT {

  private static final Path TOOLS = Path.of("target", "openapi-lint").toAbsolutePath();
  private static final Path DOCUMENT =
      Path.of("src", "main", "resources", "dev", "tributary", "api", "openapi.yaml").toAbsolutePath();

  /** Waits for the build's npm install (it writes npm's exit code to npm.exit when done). */
  @BeforeAll
  static void linters() throws Exception {
    Path exit = TOOLS.resolve("npm.exit");
    try {
      Await.until(
          Duration.ofMinutes(5),
          Duration.ofMillis(200), // an outside process: nothing to wait on but its file
          () -> Files.exists(exit) && !Files.readString(exit).isBlank(),
          "npm to install the linters");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + log(), e);
    }
    assertEquals("0", Files.readString(exit).strip(), "npm could not install the linters (needs Node.js 20 and npm): " + log());
  }

  private static String log() throws IOException {
    Path log = TOOLS.resolve("npm.log");
    return Files.exists(log) ? Files.readString(log) : "(no npm.log in " + TOOLS + ")";
  }

  @Test
  void redoclyRecommendedRulesFindNoErrors() throws Exception {
    Result result = run("redocly", "lint", "--format=stylish", DOCUMENT.toString());
    assertEquals(0, result.exit(), result.output());
  }

  @Test
  void spectralOpenApiRulesFindNoErrors() throws Exception {
    Result result =
        run("spectral", "lint", "--ruleset", TOOLS.resolve(".spectral.yaml").toString(), "--fail-severity", "error",
            DOCUMENT.toString());
    assertEquals(0, result.exit(), result.output());
  }

  private record Result(int exit, String output) {}

  private static Result run(String tool, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(TOOLS.resolve("node_modules/.bin/" + tool).toString());
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).directory(TOOLS.toFile()).redirectErrorStream(true);
    builder.environment().put("REDOCLY_TELEMETRY", "off");
    builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(tool + " did not finish within 2 minutes: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}

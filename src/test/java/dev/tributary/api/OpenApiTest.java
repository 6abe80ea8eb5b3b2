package dev.tributary.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tributary.errors.ErrorCode;
import dev.tributary.testing.Environment;
import dev.tributary.testing.TributaryServer;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document and the code agree: it is served as built; it describes exactly the
 * operations the resources serve; and every error this proxy can report appears in it with its code and,
 * where the message is fixed, that message.
 */
class OpenApiTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static byte[] documentBytes() throws IOException {
    try (InputStream in = OpenApiTest.class.getResourceAsStream(OpenApiResource.DOCUMENT)) {
      return in.readAllBytes();
    }
  }

  private static JsonNode document() throws IOException {
    return YAML.readTree(documentBytes());
  }

  @Test
  void theDocumentIsServedAtOpenapiYaml() throws Exception {
    TributaryServer server = Environment.get().server();
    HttpResponse<byte[]> reply =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(server.uri("/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, reply.statusCode());
    assertEquals("application/yaml", reply.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(documentBytes(), reply.body());
    assertEquals("3.0.3", document().path("openapi").asText());
  }

  /** Every (method, path) the JAX-RS resources under src/main serve. */
  private static Set<String> servedOperations() throws Exception {
    java.nio.file.Path classes = java.nio.file.Path.of("target", "classes");
    Set<String> operations = new TreeSet<>();
    try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
      for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) files::iterator) {
        String name = classes.relativize(file).toString();
        if (!name.endsWith(".class") || name.contains("$")) {
          continue;
        }
        Class<?> type = Class.forName(name.replace('/', '.').replace(".class", ""));
        Path root = type.getAnnotation(Path.class);
        if (root == null) {
          continue;
        }
        for (Method method : type.getMethods()) {
          String verb = httpMethod(method);
          if (verb == null) {
            continue;
          }
          Path sub = method.getAnnotation(Path.class);
          String template = "/" + root.value() + (sub == null ? "" : "/" + sub.value());
          for (String path : expand(template)) {
            operations.add(verb + " " + path);
          }
        }
      }
    }
    return operations;
  }

  private static String httpMethod(Method method) {
    for (Annotation annotation : method.getAnnotations()) {
      HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
      if (verb != null) {
        return verb.value().toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  /** The concrete paths of a template: {@code {root: (kafka/)?v3}} is both; {@code {x: regex}} is {@code {x}}. */
  private static List<String> expand(String template) {
    String plain = template.replaceAll("\\{(\\w+)\\s*:[^}]*\\}", "{$1}").replace("//", "/");
    if (plain.contains("{root}")) {
      return List.of(plain.replace("{root}", "kafka/v3"), plain.replace("{root}", "v3"));
    }
    return List.of(plain);
  }

  /** Every (method, path) the document describes, following path items that refer to another. */
  private static Set<String> documentedOperations(JsonNode document) {
    Set<String> operations = new TreeSet<>();
    JsonNode paths = document.path("paths");
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      JsonNode item = path.getValue();
      if (item.has("$ref")) {
        String ref = item.get("$ref").asText();
        assertTrue(ref.startsWith("#/paths/"), ref);
        item = paths.get(ref.substring("#/paths/".length()).replace("~1", "/").replace("~0", "~"));
        assertTrue(item != null, "dangling " + ref);
      }
      for (String verb : List.of("get", "put", "post", "delete", "patch", "head", "options")) {
        if (item.has(verb)) {
          operations.add(verb + " " + path.getKey());
        }
      }
    }
    return operations;
  }

  @Test
  void theDocumentDescribesExactlyTheOperationsServed() throws Exception {
    Set<String> served = servedOperations();
    assertTrue(served.contains("post /kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records"), served.toString());
    assertEquals(served, documentedOperations(document()));
  }

  /** Every example error in the document, as "code message". */
  private static Set<String> documentedErrors(JsonNode node, Set<String> into) {
    if (node.isObject() && node.has("error_code")) {
      into.add(node.get("error_code").asInt() + " " + node.path("message").asText(""));
    }
    node.forEach(child -> documentedErrors(child, into));
    return into;
  }

  @Test
  void everyErrorThisProxyReportsIsDocumentedWithItsCodeAndMessage() throws Exception {
    Set<String> documented = documentedErrors(document(), new HashSet<>());
    java.util.List<String> missing = new java.util.ArrayList<>();
    for (ErrorCode code : ErrorCode.values()) {
      if (code == ErrorCode.HTTP_CLIENT_ERROR) {
        assertTrue(documented.contains("405 HTTP 405 Method Not Allowed"), documented.toString());
        continue;
      }
      String message = code.message(values(code, "any"));
      boolean fixed = code.valueCount() == 0;
      boolean found =
          documented.stream()
              .anyMatch(
                  error ->
                      fixed
                          ? error.equals(code.errorCode() + " " + message)
                          : error.startsWith(code.errorCode() + " " + prefix(code)));
      if (!found) {
        missing.add(code + " (" + code.errorCode() + " " + message + ")");
      }
    }
    assertEquals(java.util.List.of(), missing, "errors missing from the document's examples");
  }

  /** The fixed start of a message with a detail, e.g. "Request rate limit exceeded: ". */
  private static String prefix(ErrorCode code) {
    String withMarker = code.message(values(code, "@@detail@@"));
    return withMarker.substring(0, withMarker.indexOf("@@detail@@"));
  }

  private static Object[] values(ErrorCode code, String value) {
    Object[] values = new Object[code.valueCount()];
    java.util.Arrays.fill(values, value);
    return values;
  }
}

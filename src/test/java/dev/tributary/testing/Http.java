package dev.tributary.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Whole-body HTTP exchanges for tests that do not need full duplex. */
public final class Http {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  /** A response: status, content type and body text. */
  public record Reply(int status, String contentType, String body, HttpResponse<String> raw) {
    /** The body's lines, each a report when the request was a produce stream. */
    public List<String> lines() {
      if (!body.isEmpty() && !body.endsWith("\r\n")) {
        throw new AssertionError("The body does not end with \\r\\n: " + body);
      }
      List<String> lines = Arrays.asList(body.split("\r\n", -1));
      return lines.subList(0, lines.size() - 1);
    }
  }

  /** POSTs {@code body} with a Content-Length. */
  public static Reply post(URI uri, String contentType, byte[] body) {
    return send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public static Reply post(URI uri, String body) {
    return post(uri, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  /** POSTs JSON {@code body} with a Content-Length and {@code headers}: names and values, alternating. */
  public static Reply postWith(URI uri, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  /** POSTs {@code body} with {@code Transfer-Encoding: chunked} (no length known up front). */
  public static Reply postChunked(URI uri, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
  }

  public static Reply get(URI uri) {
    return send(HttpRequest.newBuilder(uri).GET());
  }

  /**
   * Sends {@code request} and reads the whole response. A response that does not end within 60 s fails
   * (the client's own timeout covers only the response's head).
   */
  public static Reply send(HttpRequest.Builder request) {
    HttpRequest built = request.timeout(Duration.ofSeconds(60)).build();
    try {
      HttpResponse<String> response;
      try {
        response = CLIENT.sendAsync(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!isStaleConnection(e.getCause())) {
          throw e;
        }
        // The pooled keep-alive connection had been closed by the server (Tomcat closes one after some
        // responses) and the request went out on it before the client saw the close: nothing came back,
        // so nothing was answered. A client sends such a request again on a new connection (RFC 9112,
        // section 9.3.1); java.net.http does so itself only for idempotent methods.
        response = CLIENT.sendAsync(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).get(60, TimeUnit.SECONDS);
      }
      return new Reply(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body(),
          response);
    } catch (ExecutionException e) {
      throw new IllegalStateException("The request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("The response did not end within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code error} says the connection closed before any byte of a response arrived. */
  private static boolean isStaleConnection(Throwable error) {
    return error instanceof java.io.IOException && String.valueOf(error.getMessage()).contains("received no bytes");
  }

  /**
   * Sends {@code request} as it is, bytes no client library would send (broken chunked framing), and
   * returns what came back before the server closed the connection, ended a chunked response, or went
   * quiet for 20 seconds.
   */
  public static String raw(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int read;
      try {
        while ((read = in.read(buffer)) != -1) {
          response.write(buffer, 0, read);
          if (response.toString(StandardCharsets.UTF_8).endsWith("\r\n0\r\n\r\n")) {
            break;
          }
        }
      } catch (SocketTimeoutException | SocketException e) {
        // what arrived is what the client got
      }
      return response.toString(StandardCharsets.UTF_8);
    }
  }
}

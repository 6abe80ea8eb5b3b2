package dev.tributary.testing;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One produce request over HTTP/2 with {@code java.net.http}: the test writes the body piece by piece
 * while the request is under way ({@link #send}), on a stream of a connection the client shares with its
 * other requests. java.net.http hands over the response only once the body has ended (its {@code
 * Exchange} asks for the response after sending the body, in Java 17 and 25 alike), so reports are read
 * after {@link #end}.
 */
public final class Http2Stream {

  private static final ByteBuffer END = ByteBuffer.allocate(0);

  private final LinkedBlockingQueue<ByteBuffer> queue;
  private final CompletableFuture<HttpResponse<InputStream>> response;
  private BufferedReader reports;

  private Http2Stream(LinkedBlockingQueue<ByteBuffer> queue, CompletableFuture<HttpResponse<InputStream>> response) {
    this.queue = queue;
    this.response = response;
  }

  /** Starts a POST of JSON to {@code uri} whose body is what {@link #send} is given, until {@link #end}. */
  public static Http2Stream open(HttpClient client, URI uri) {
    LinkedBlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .version(HttpClient.Version.HTTP_2)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.fromPublisher(new QueuePublisher(queue)))
            .build();
    return new Http2Stream(queue, client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()));
  }

  /** The response, once java.net.http hands it over: after the request body has ended. */
  public HttpResponse<InputStream> response() throws Exception {
    return response.get(30, TimeUnit.SECONDS);
  }

  /** Sends {@code text} as the next part of the body. */
  public void send(String text) {
    queue.add(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Ends the request body. */
  public void end() {
    queue.add(END);
  }

  /** The next report, or null once the response has ended. */
  public String readReport() throws Exception {
    if (reports == null) {
      reports = new BufferedReader(new InputStreamReader(response().body(), StandardCharsets.UTF_8));
    }
    return reports.readLine();
  }

  /**
   * Hands the body's pieces to the client as they are queued, one per request for more; an empty piece
   * ends the body. A thread of its own waits for the next piece, as a producer of records would.
   */
  private static final class QueuePublisher implements Flow.Publisher<ByteBuffer> {
    private final LinkedBlockingQueue<ByteBuffer> queue;

    QueuePublisher(LinkedBlockingQueue<ByteBuffer> queue) {
      this.queue = queue;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      AtomicLong demand = new AtomicLong();
      Thread pump =
          new Thread(
              () -> {
                try {
                  while (true) {
                    synchronized (demand) {
                      while (demand.get() == 0) {
                        demand.wait();
                      }
                      demand.decrementAndGet();
                    }
                    ByteBuffer next = queue.take();
                    if (next == END) {
                      subscriber.onComplete();
                      return;
                    }
                    subscriber.onNext(next);
                  }
                } catch (InterruptedException e) {
                  subscriber.onError(e);
                }
              },
              "h2-body");
      pump.setDaemon(true);
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              synchronized (demand) {
                demand.addAndGet(n);
                demand.notifyAll();
              }
            }

            @Override
            public void cancel() {
              pump.interrupt();
            }
          });
      pump.start();
    }
  }

  /** A client for h2c: the first request to a host upgrades a connection, the rest share it. */
  public static HttpClient h2cClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();
  }
}

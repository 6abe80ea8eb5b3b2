package dev.tributary.examples;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Streams the records on standard input (one JSON object per line) to Tributary in one request, and
 * prints each delivery report as soon as it arrives, while still sending: full duplex, with Jetty's
 * HttpClient. Set TRIBUTARY (e.g. http://localhost:8080), CLUSTER and TOPIC.
 */
public final class StreamRecords {

  public static void main(String[] args) throws Exception {
    String url =
        System.getenv("TRIBUTARY") + "/v3/clusters/" + System.getenv("CLUSTER") + "/topics/"
            + System.getenv("TOPIC") + "/records";
    HttpClient client = new HttpClient();
    client.start();
    try {
      AsyncRequestContent body = new AsyncRequestContent("application/json");
      InputStreamResponseListener reports = new InputStreamResponseListener();
      client.POST(url).body(body).send(reports);

      Thread printer = new Thread(() -> print(reports));
      printer.start();
      BufferedReader records = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String record; (record = records.readLine()) != null; ) {
        Callback.Completable sent = new Callback.Completable();
        body.write(ByteBuffer.wrap((record + "\n").getBytes(StandardCharsets.UTF_8)), sent);
        sent.get(); // on its way; its report comes back while the next record is sent
      }
      body.close(); // ends the request; the reports still owed arrive before the response ends
      printer.join();
    } finally {
      client.stop();
    }
  }

  /** Prints each report line (one per record, in order) as it arrives. */
  private static void print(InputStreamResponseListener reports) {
    try {
      Response response = reports.get(60, TimeUnit.SECONDS);
      if (response.getStatus() != 200) {
        System.err.println("HTTP " + response.getStatus()); // the body says why, as one error object
      }
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(reports.getInputStream(), StandardCharsets.UTF_8));
      for (String report; (report = lines.readLine()) != null; ) {
        System.out.println(report);
        System.out.flush();
      }
    } catch (Exception e) {
      e.printStackTrace();
    }
  }
}

package dev.tributary.testing;

/** Values read from a deployment's {@code /metrics} scrape, as Prometheus text. */
public final class Metrics {

  private Metrics() {}

  /**
   * The sum of the values of every metric line starting with {@code prefix}, as a whole number: e.g. a
   * counter over all its labels.
   */
  public static long sum(TributaryServer server, String prefix) {
    Http.Reply reply = Http.get(server.uri("/metrics"));
    double sum = 0;
    for (String line : reply.body().split("\n")) {
      if (line.startsWith(prefix)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  /**
   * The value of the first metric line starting with {@code name} (the metric's name, its labels and the
   * space before the value), as a whole number; 0 if there is none.
   */
  public static long value(TributaryServer server, String name) {
    return Http.get(server.uri("/metrics")).body().lines()
        .filter(line -> line.startsWith(name))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(name.length())))
        .findFirst()
        .orElse(0);
  }
}

package dev.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route label of a path: its operation's template, or NOT_FOUND; never the path's own values. */
class HttpMetricsFilterTest {

  @Test
  void eachPathIsLabelledWithItsOperationsTemplate() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("/kafka/v3/clusters/c1/topics/t1/records", "/kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records");
    expected.put("/v3/clusters/c1/topics/t1/records/", "/v3/clusters/{cluster_id}/topics/{topic_name}/records");
    expected.put("/kafka/v3/clusters/c1", "/kafka/v3/clusters/{cluster_id}");
    expected.put("/v3/clusters/c1//", "/v3/clusters/{cluster_id}");
    expected.put("/kafka/v3/clusters", "/kafka/v3/clusters");
    expected.put("/v3/clusters/", "/v3/clusters");
    expected.put("/health/live", "/health/live");
    expected.put("/health/ready/", "/health/ready");
    expected.put("/metrics", "/metrics");
    expected.put("/openapi.yaml", "/openapi.yaml");
    expected.put("/v3/clusters/c1/topics", "NOT_FOUND");
    expected.put("/v3/clusters/c1/topics/t1/records/more", "NOT_FOUND");
    expected.put("/kafka/v4/clusters", "NOT_FOUND");
    expected.put("/health", "NOT_FOUND");
    expected.put("/", "NOT_FOUND");
    expected.put("", "NOT_FOUND");
    Map<String, String> actual = new LinkedHashMap<>();
    expected.keySet().forEach(path -> actual.put(path, HttpMetricsFilter.routeOf(path)));
    assertEquals(expected, actual);
  }
}

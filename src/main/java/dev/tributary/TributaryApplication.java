package dev.tributary;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.Json;
import dev.tributary.clusters.ClustersResource;
import dev.tributary.config.TributaryConfig;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.RecordSender;
import dev.tributary.limits.ProduceRateLimits;
import dev.tributary.produce.ProduceResource;
import dev.tributary.produce.ProduceStreams;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The one place that builds the proxy and takes it down: configuration, the Kafka producer and admin
 * client, the report writers and the resources, all with {@code new}.
 *
 * <p>Declared as a listener in {@code web.xml}, so it runs before the Jersey servlet starts. Anything
 * wrong here (a bad configuration value, a producer setting Kafka rejects) throws, and the container
 * fails the deployment instead of serving errors.
 */
public final class TributaryApplication implements ServletContextListener {

  private static final Logger LOG = Logger.getLogger(TributaryApplication.class.getName());
  private static final String ATTRIBUTE = TributaryApplication.class.getName();

  private ExecutorService pool;
  private ScheduledThreadPoolExecutor scheduler;
  private RecordSender sender;
  private ClusterMetadata metadata;
  private List<Object> components = List.of();

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServletContext context = event.getServletContext();
    TributaryConfig config = TributaryConfig.load(initParameters(context));
    ObjectMapper mapper = Json.newMapper();
    // Each stream runs at most two tasks here at once (its worker and its report writer), so the pool
    // grows with the streams that are busy, not with those that are open.
    pool = Executors.newCachedThreadPool(daemonThreads("tributary-stream-"));
    scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("tributary-timer-"));
    scheduler.setRemoveOnCancelPolicy(true); // streams cancel their 24-hour timers; drop them at once
    sender = RecordSender.create(config.producerProperties());
    metadata = ClusterMetadata.create(config.adminProperties());
    ProduceStreams streams =
        new ProduceStreams(
            config,
            mapper,
            sender,
            metadata,
            new ProduceRateLimits(config.rateLimits()),
            pool,
            scheduler);
    components = List.of(new ProduceResource(streams), new ClustersResource(metadata), mapper);
    context.setAttribute(ATTRIBUTE, this);
    LOG.info(() -> "Tributary started, producing to " + config.bootstrapServers());
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    event.getServletContext().removeAttribute(ATTRIBUTE);
    if (sender != null) {
      sender.close(Duration.ofSeconds(30));
    }
    if (metadata != null) {
      metadata.close();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (pool != null) {
      pool.shutdown();
      try {
        pool.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The resources and the mapper to register, from the instance started in {@code context}. */
  static List<Object> components(ServletContext context) {
    Object application = context.getAttribute(ATTRIBUTE);
    if (!(application instanceof TributaryApplication started)) {
      throw new IllegalStateException(
          "TributaryApplication has not started: declare it as a listener in web.xml");
    }
    return started.components;
  }

  private static Map<String, String> initParameters(ServletContext context) {
    Map<String, String> parameters = new HashMap<>();
    for (String name : Collections.list(context.getInitParameterNames())) {
      parameters.put(name, context.getInitParameter(name));
    }
    return parameters;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

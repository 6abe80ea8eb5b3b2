package dev.tributary;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.Json;
import dev.tributary.api.OpenApiResource;
import dev.tributary.auth.Authenticator;
import dev.tributary.clusters.ClustersResource;
import dev.tributary.clusters.SelfLinks;
import dev.tributary.config.TributaryConfig;
import dev.tributary.errors.ErrorResponseMapper;
import dev.tributary.health.HealthResource;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.ExactlyOncePool;
import dev.tributary.kafka.ProducerMeters;
import dev.tributary.kafka.QuietKafkaLogs;
import dev.tributary.kafka.RecordSender;
import dev.tributary.kafka.SenderPool;
import dev.tributary.limits.ProduceRateLimits;
import dev.tributary.metrics.HttpMetricsFilter;
import dev.tributary.metrics.MetricsResource;
import dev.tributary.metrics.ProxyMetrics;
import dev.tributary.produce.BatchProducer;
import dev.tributary.produce.BatchResource;
import dev.tributary.produce.ProduceResource;
import dev.tributary.produce.StreamContext;
import dev.tributary.produce.StreamOpener;
import dev.tributary.produce.record.RecordPipeline;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The one place that builds the proxy and takes it down: configuration, the Kafka producer and admin
 * client, the report writers, the resources and the Jersey servlet that serves them, all with {@code
 * new}.
 *
 * <p>Declared as the one listener in {@code web.xml}. Anything wrong here (a bad configuration value, a
 * producer setting Kafka rejects) throws, and the container fails the deployment instead of serving
 * errors.
 *
 * <p>Why the servlet is registered here rather than in {@code web.xml}: a full Jakarta EE server (Payara,
 * GlassFish) runs its own Jersey's container initializer on every WAR, and it claims any servlet it
 * recognises as Jersey's (by class name, or by a {@code jakarta.ws.rs.Application} init-parameter),
 * building its configuration with the server's Jersey classes, which the WAR's Jersey cannot use.
 * Initializers run before listeners, so a servlet added here, with its application given as an instance,
 * is never seen by them.
 */
public final class TributaryApplication implements ServletContextListener {

  private static final Logger LOG = Logger.getLogger(TributaryApplication.class.getName());

  private final OwnedThreads streamThreads = new OwnedThreads("tributary-stream-");
  private final OwnedThreads timerThreads = new OwnedThreads("tributary-timer-");
  private final OwnedThreads closerThreads = new OwnedThreads("tributary-closer-");
  private final OwnedThreads writerThreads = new OwnedThreads("tributary-writer-");
  private final OwnedThreads exactlyOnceThreads = new OwnedThreads("tributary-exactly-once-");
  private ExecutorService pool;
  private ExecutorService writers;
  private ExecutorService closer;
  private ScheduledThreadPoolExecutor scheduler;
  private RecordSender sender;
  private SenderPool senderPool;
  private ExactlyOncePool exactlyOnce;
  private StreamOpener streams;
  private Duration shutdownGrace = Duration.ZERO;
  private final Thread shutdownHook = new Thread(this::stopStreams, "tributary-shutdown");
  private ClusterMetadata metadata;
  private QuietKafkaLogs quietLogs;
  private ProxyMetrics metrics;

  /**
   * How many threads serve every stream's records and reports, whatever the number of streams: four per
   * processor, at least eight. No task on them waits for Kafka.
   */
  public static int streamThreads() {
    return Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
  }

  @Override
  public void contextInitialized(ServletContextEvent event) {
    try {
      start(event.getServletContext());
    } catch (RuntimeException e) {
      contextDestroyed(event); // a failed deployment leaves no threads or Kafka clients behind
      throw e;
    }
  }

  private void start(ServletContext context) {
    ForeignEndpoints.check(context); // before anything is started that would need stopping
    TributaryConfig config = TributaryConfig.load(initParameters(context));
    config.warnings().forEach(LOG::warning);
    quietLogs = QuietKafkaLogs.install(); // an outage must not fill a disk
    ObjectMapper mapper = Json.newMapper();
    // A fixed number of threads, whatever the number of streams: no task here waits for Kafka (records
    // the producer cannot take yet wait in its backlog, not in a thread), so a few serve any number.
    ThreadPoolExecutor streamPool =
        new ThreadPoolExecutor(
            streamThreads(), streamThreads(), 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), streamThreads);
    streamPool.allowCoreThreadTimeOut(true);
    pool = streamPool;
    // Report writing: a write may wait where a container's non-blocking output blocks (Open Liberty),
    // so a thread more rather than a queue; where writes do not wait, a few threads serve every stream.
    writers = Executors.newCachedThreadPool(writerThreads);
    scheduler = new ScheduledThreadPoolExecutor(1, timerThreads);
    scheduler.setRemoveOnCancelPolicy(true); // streams cancel their 24-hour timers; drop them at once
    metadata = ClusterMetadata.create(config.adminProperties(), scheduler);
    ProxyMetrics metrics = new ProxyMetrics(config.metricsTopicsMax());
    this.metrics = metrics;
    ProducerMeters producerMeters = new ProducerMeters(metrics.registry(), scheduler);
    metrics.refreshBeforeScrape(producerMeters::refresh);
    Authenticator authenticator = authenticator(config, producerMeters);
    StreamContext streamContext =
        new StreamContext(
            config.stream(),
            new RecordPipeline(mapper, metadata, new ProduceRateLimits(config.rateLimits()), config.traceHeaders()),
            mapper,
            pool,
            writers,
            scheduler);
    exactlyOnce =
        new ExactlyOncePool(
            config.producerProperties(),
            config.adminProperties(),
            config.authentication().saslMechanism(),
            config.exactlyOnce(),
            exactlyOnceThreads);
    StreamOpener streams = new StreamOpener(streamContext, authenticator, metadata, exactlyOnce, metrics);
    this.streams = streams;
    this.shutdownGrace = config.shutdownGracePeriod();
    // A server stopped by a signal may close its connections before it stops its applications (Jetty
    // does: connectors first, then contexts). The streams stop at the signal, while the container's
    // graceful phase waits for their responses; removed again when the application stops.
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    List<Object> components =
        List.of(
            new ProduceResource(streams),
            new BatchResource(
                new BatchProducer(streamContext, authenticator, metadata, exactlyOnce, config.batchMaxEntries())),
            new ClustersResource(metadata, authenticator, new SelfLinks(config.advertisedListeners())),
            new HealthResource(metadata),
            new MetricsResource(metrics),
            new OpenApiResource(),
            new ErrorResponseMapper(config.authentication().realm()));
    // First in the WAR's filter chain: every request is counted, whoever answers it.
    FilterRegistration.Dynamic httpMetrics = context.addFilter("tributary-http-metrics", new HttpMetricsFilter(metrics));
    httpMetrics.setAsyncSupported(true);
    httpMetrics.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    OwnJerseyServices.install();
    ServletRegistration.Dynamic servlet =
        context.addServlet(
            "tributary",
            new JerseyServlet(
                ResourceConfig.forApplication(new RestApplication(components, mapper)), this::stopStreams));
    servlet.setAsyncSupported(true); // streams are asynchronous; filters in front must be too
    servlet.setLoadOnStartup(1);
    servlet.addMapping("/*");
    LOG.info(
        () ->
            "Tributary started, producing to " + config.bootstrapServers() + " with authentication "
                + config.authentication().method());
  }

  /** One shared producer, or (pass-through) a bounded pool of producers, one per Kafka principal. */
  private Authenticator authenticator(TributaryConfig config, ProducerMeters producerMeters) {
    TributaryConfig.Authentication authentication = config.authentication();
    if (authentication.method() == TributaryConfig.AuthenticationMethod.NONE) {
      sender = RecordSender.create(config.producerProperties(), producerMeters, scheduler, pool, metadata::reachable);
      return Authenticator.shared(sender);
    }
    senderPool =
        SenderPool.create(
            config.producerProperties(),
            config.adminProperties(),
            authentication.saslMechanism(),
            authentication.poolMaxSize(),
            authentication.poolIdleTimeout(),
            closer(),
            pool,
            scheduler,
            metadata::reachable,
            producerMeters);
    long sweep = Math.max(100, Math.min(60_000, authentication.poolIdleTimeout().toMillis() / 4));
    scheduler.scheduleWithFixedDelay(senderPool::closeIdle, sweep, sweep, TimeUnit.MILLISECONDS);
    return Authenticator.basic(senderPool);
  }

  /**
   * Closes idle pooled producers: a close may wait up to 30 s for Kafka, so it has threads of its own
   * (one per close under way; the pool holds a bounded number of producers), never the streams'.
   */
  private ExecutorService closer() {
    closer = Executors.newCachedThreadPool(closerThreads);
    return closer;
  }

  /**
   * Every open stream stops reading and reports what it read, within {@code shutdown.grace.period.ms}:
   * first thing when the container takes the application down (the servlet's destroy, else here).
   */
  private void stopStreams() {
    if (streams == null) {
      return;
    }
    try {
      if (!streams.stop(shutdownGrace)) {
        LOG.warning(
            "Some streams were still open " + shutdownGrace.toMillis() + " ms after Tributary began to stop"
                + " (shutdown.grace.period.ms); their last reports are lost");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    stopStreams(); // at once if the servlet's destroy did it
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNeverAdded) {
      // the JVM is stopping (the hook runs, or ran), or the application failed before adding it
    }
    if (scheduler != null) {
      scheduler.shutdownNow(); // no stream times out while the application goes down
    }
    if (exactlyOnce != null) {
      exactlyOnce.close(); // aborts what no stream committed
    }
    if (sender != null) {
      sender.close(Duration.ofSeconds(30)); // delivers what was sent; reports still go to the pool
    }
    if (senderPool != null) {
      senderPool.close();
    }
    if (metadata != null) {
      metadata.close();
    }
    if (pool != null) {
      pool.shutdown();
    }
    if (writers != null) {
      writers.shutdown();
    }
    if (closer != null) {
      closer.shutdown();
    }
    if (quietLogs != null) {
      quietLogs.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    try {
      if (!timerThreads.join(Duration.ofSeconds(5))
          | !streamThreads.join(Duration.ofSeconds(10))
          | !writerThreads.join(Duration.ofSeconds(10))
          | !closerThreads.join(Duration.ofSeconds(35))
          | !exactlyOnceThreads.join(Duration.ofSeconds(10))) {
        LOG.warning("Some of Tributary's threads were still running after it was stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, String> initParameters(ServletContext context) {
    Map<String, String> parameters = new HashMap<>();
    for (String name : Collections.list(context.getInitParameterNames())) {
      parameters.put(name, context.getInitParameter(name));
    }
    return parameters;
  }
}

package dev.tributary.produce;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.config.StreamSettings;
import dev.tributary.produce.record.RecordPipeline;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every stream of a deployment shares, built once by the application with everything else.
 *
 * @param settings each stream's bounds and timers
 * @param pipeline turns each framed record into its delivery report
 * @param mapper the API's JSON mapper (records are framed with its factory, reports encoded with it)
 * @param pool runs each stream's record handling and the checks that may ask Kafka (a task there may wait
 *     for Kafka's answer to a check, so it must not be the container's pool)
 * @param writers writes each stream's reports: its threads may wait in a write (a container may block
 *     there, see {@link dev.tributary.produce.reports.ReportWriter}), so it must not be {@code pool},
 *     and it must add a thread rather than queue a task while its threads are busy
 * @param scheduler fires each stream's timers
 */
public record StreamContext(
    StreamSettings settings,
    RecordPipeline pipeline,
    ObjectMapper mapper,
    Executor pool,
    Executor writers,
    ScheduledExecutorService scheduler) {

  public StreamContext {
    requireNonNull(settings, "settings");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(mapper, "mapper");
    requireNonNull(pool, "pool");
    requireNonNull(writers, "writers");
    requireNonNull(scheduler, "scheduler");
  }
}

/**
 * The produce endpoint: a request's checks, then one stream of records in and reports out.
 *
 * <p>One record's way, in five classes: {@link dev.tributary.produce.BodyReader} reads the body with
 * servlet non-blocking I/O and frames each top-level JSON value; {@link
 * dev.tributary.produce.ProduceStream} counts it into the stream's {@link dev.tributary.produce.Window}
 * and hands it, in order, to the stream's worker, where {@link dev.tributary.produce.RecordPipeline}
 * reads, checks and sends it and answers a {@code CompletableFuture} of its {@link
 * dev.tributary.produce.DeliveryReport}; {@link dev.tributary.produce.ReportWriter} writes the reports in
 * request order as they complete.
 *
 * <p>Why non-blocking I/O: a stream may stay open for hours while sending a record a minute. With
 * blocking reads each open stream would hold a container thread (the reference's design), so a few
 * hundred idle streams exhaust a default container. Here a stream holds no thread while it waits.
 *
 * <p>Threads, and why each step runs where it does:
 *
 * <ul>
 *   <li>The reading (container threads, or a thread resuming it) only reads and frames bytes into
 *       records: no step there can block.
 *   <li>The stream's worker ({@link dev.tributary.produce.SerialExecutor} on the shared pool) parses,
 *       validates and sends each record, in order. Sending waits at most the sender's short offer (see
 *       {@link dev.tributary.kafka.RecordSender#send}), never on a container thread.
 *   <li>The producer's I/O thread only completes futures; the reports are written on the pool.
 * </ul>
 *
 * <p>Back-pressure: records read but not yet decided form the stream's window, bounded in count and in
 * bytes; decided reports the client has not yet read are held apart, as a few numbers each ({@link
 * dev.tributary.produce.HeldReports}), under a bound of their own. When either is full the reading
 * waits, so TCP flow control slows the client, and goes on as Kafka answers and the client reads. A
 * client that reads only after sending its whole body is not stopped by the window, since its reports
 * leave it as soon as they are decided.
 *
 * <p>Endings. The reading ends once, after its last record, and the stream then queues "no more
 * reports" on the worker, behind every record: the body's end gets every report, then the response
 * ends; a syntax error or an oversized record gets one last error report after the earlier ones, and
 * the response ends once the rest of the body has been read and thrown away; the stream's maximum age
 * makes later records 408 and, after the grace period, stops the reading. A client that vanishes (or an
 * idle timeout, which the container reports the same way) ends the exchange at once: its records
 * already read are still sent, their reports are dropped and counted as undelivered.
 */
package dev.tributary.produce;

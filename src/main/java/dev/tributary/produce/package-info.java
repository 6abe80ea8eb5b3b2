/**
 * The produce endpoint: a request's checks, then one stream of records in and reports out. This comment
 * is the map; each room below has its own.
 *
 * <pre>
 *   ProduceResource ─► StreamOpener ─► ProduceStream ─┬─► body/     the request body read, framed into records
 *      (JAX-RS)          (checks)      (one stream)   ├─► record/   one record read, built, sent: its report
 *                                                     ├─► reports/  the reports written, in request order
 *                                                     └─► flow/     the two concurrency helpers
 * </pre>
 *
 * <p>This package keeps a stream's life: {@link dev.tributary.produce.ProduceResource} (the thin
 * resource), {@link dev.tributary.produce.StreamOpener} (the checks that fail a request as a whole),
 * {@link dev.tributary.produce.Exchange} (who answers the servlet exchange, and how it ends), {@link
 * dev.tributary.produce.ProduceStream} (the stream's state and its endings), {@link
 * dev.tributary.produce.StreamWorker} (its records, in request order, on its worker), {@link
 * dev.tributary.produce.Window} (the reading's gate), {@link dev.tributary.produce.StreamLedger} and
 * {@link dev.tributary.produce.AccessLog} (its accounts), {@link dev.tributary.produce.StreamContext}
 * (what every stream shares, built by the application), {@link
 * dev.tributary.produce.ExactlyOnceRecords} (an exactly-once stream's numbering), {@link
 * dev.tributary.produce.RequestChecks} (the whole-request checks, shared with the batch endpoint: {@link
 * dev.tributary.produce.BatchResource} and {@link dev.tributary.produce.BatchProducer}).
 *
 * <p>One record's way. The container calls the stream's {@link dev.tributary.produce.body.BodyReader}
 * when bytes arrive; it reads them by the Servlet rules ({@code ServletBody}), and its decoder checks
 * their charset and limits and frames them into top-level JSON values. Each complete record leaves the
 * body's reading once, as a {@link dev.tributary.produce.body.FramedRecord} through {@link
 * dev.tributary.produce.body.BodySink}, which the {@code ProduceStream} is. The stream's worker counts it
 * into the window and, in request order, has {@link dev.tributary.produce.record.RecordPipeline} read,
 * build, check and send it; Kafka's answer comes back as a {@code CompletableFuture} of its {@link
 * dev.tributary.produce.record.DeliveryReport}, queued in the record's place with the stream's {@link
 * dev.tributary.produce.reports.ReportWriter}, which holds it once decided and writes it when every
 * report before it is out and the container lets it.
 *
 * <p>Dependencies point one way: this package uses every room; {@code reports} uses {@code record} and
 * {@code flow}; {@code body} uses {@code flow}; {@code record} and {@code flow} use no other room; no room
 * uses this package; and nothing outside it but the application class uses any of it. Java has no
 * sub-package privacy, so what one room hands to another is public, and says why; {@code RoomsTest}
 * compiles each room with only the rooms it may use, so a reference the wrong way fails the build.
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
 *   <li>The stream's worker ({@link dev.tributary.produce.flow.SerialExecutor} on the shared pool) parses,
 *       validates and sends each record, in order. Sending waits at most the sender's short offer (see
 *       {@link dev.tributary.kafka.RecordSender#send}), never on a container thread.
 *   <li>The producer's I/O thread only completes futures; the reports are written on the writer threads
 *       ({@link dev.tributary.produce.StreamContext#writers}), which may wait in a write.
 * </ul>
 *
 * <p>Back-pressure: records read but not yet decided form the stream's window, bounded in count and in
 * bytes; decided reports the client has not yet read are held apart by the report writer, as a few
 * numbers each, under a bound of their own. When either is full the reading waits, so TCP flow control slows the client, and goes on as Kafka answers and the client reads. A
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


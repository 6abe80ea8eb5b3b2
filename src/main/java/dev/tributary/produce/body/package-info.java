/**
 * The request body's reading: bytes, by the Servlet specification's non-blocking rules, into records.
 *
 * <p>{@link dev.tributary.produce.body.BodyReader} is the read listener; {@code ServletBody} keeps the
 * container's rules (when {@code read} may be called, how each container signals the end, Open Liberty's
 * locks); {@code BodyDecoder} checks the charset ({@code Utf8Check}), the largest record and how long one
 * may take to arrive; {@code RecordFramer} splits concatenated JSON into top-level values with Jackson's
 * non-blocking parser. The decoder and the framer are taken from, not called back: the reader pulls each
 * record and hands it on once, to the stream's {@link dev.tributary.produce.body.BodySink}, then ends the
 * reading with exactly one ending. The reading waits while the sink's gate is shut.
 *
 * <p>Uses {@code flow} and nothing else of the endpoint: it cannot reach the records' sending or the
 * reports.
 */
package dev.tributary.produce.body;

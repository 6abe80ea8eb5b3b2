package dev.tributary.produce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.api.ErrorResponse;
import dev.tributary.api.ProduceRequest;
import dev.tributary.api.ProduceResponse;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.Delivery;
import dev.tributary.kafka.RecordSender;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One produce request after its first bytes arrived: reads records, sends each to Kafka, and writes a
 * report per record in request order (spec section 5).
 *
 * <p>The container's request thread runs {@link #write}: it reads the body and sends, while report
 * writing happens on writer threads, so reports flow back while the client is still sending. Outcomes:
 *
 * <ul>
 *   <li>a bad record gets its 400 (or 404xx) report and the stream goes on;
 *   <li>a syntax error gets a final 400 after every earlier record's report, then the response ends;
 *   <li>the client ending its body: every report is still written, then the response ends;
 *   <li>the client vanishing: reading stops, records already sent still go to Kafka, reports are
 *       dropped, and the request thread is released without waiting for them.
 * </ul>
 */
final class ProduceStream implements StreamingOutput {

  private final ProduceStreams context;
  private final String clusterId;
  private final String topic;
  private final InputStream body;
  private final byte[] firstBytes;
  private final int firstLength;
  private final boolean latin1;
  private final Instant openedAt;
  private Instant expiredAt;
  private ReportWriter reports;
  private boolean ended;

  ProduceStream(
      ProduceStreams context,
      String clusterId,
      String topic,
      InputStream body,
      byte[] firstBytes,
      int firstLength,
      boolean latin1) {
    this.context = context;
    this.clusterId = clusterId;
    this.topic = topic;
    this.body = body;
    this.firstBytes = firstBytes;
    this.firstLength = firstLength;
    this.latin1 = latin1;
    this.openedAt = context.clock().instant();
  }

  @Override
  public void write(OutputStream out) throws IOException {
    // Commit the 200 and its headers from this thread before any writer thread touches the stream.
    out.flush();
    reports = new ReportWriter(out, context.writers(), context.mapper());
    RecordFramer framer = new RecordFramer(context.mapper().getFactory());
    try {
      feed(framer, firstBytes, firstLength);
      byte[] buffer = firstBytes;
      int read;
      while (!ended && !reports.isBroken() && (read = body.read(buffer)) != -1) {
        feed(framer, buffer, read);
      }
      if (!ended) {
        try {
          framer.end(this::onRecord);
        } catch (JsonProcessingException e) {
          malformed(e);
        }
      }
    } catch (IOException e) {
      // The client vanished mid-body. What was sent still goes to Kafka; nobody is left to tell.
      reports.abandon();
      return;
    }
    reports.finish();
    reports.awaitWritten();
  }

  private void feed(RecordFramer framer, byte[] bytes, int length) throws IOException {
    byte[] utf8 = latin1 ? Latin1.toUtf8(bytes, length) : bytes;
    int utf8Length = latin1 ? utf8.length : length;
    try {
      framer.feed(utf8, 0, utf8Length, this::onRecord);
    } catch (JsonProcessingException e) {
      malformed(e);
    }
  }

  private void malformed(JsonProcessingException e) {
    reject(TributaryException.of(ErrorCode.MALFORMED_STREAM, Errors.withoutLocation(e.getOriginalMessage())));
    ended = true;
  }

  private void onRecord(TokenBuffer tokens) {
    if (ended) {
      return;
    }
    if (expired()) {
      reject(TributaryException.of(ErrorCode.STREAM_TOO_OLD));
      return;
    }
    PreparedRecord prepared;
    try {
      ProduceRequest request = context.mapper().readValue(tokens.asParser(), ProduceRequest.class);
      prepared = context.builder().build(topic, request);
      Integer partition = prepared.record().partition();
      if (partition != null && !context.metadata().hasPartition(topic, partition)) {
        throw TributaryException.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      int limit = context.metadata().maxMessageBytes(topic);
      if (RecordSender.sizeUpperBound(prepared.record()) > limit) {
        throw TributaryException.of(
            ErrorCode.RECORD_TOO_LARGE,
            "The record is larger than the topic's maximum message size (max.message.bytes=" + limit + ").");
      }
      // Last: only a record that would be sent spends the rate limits.
      context.rateLimits().admit(clusterId, RecordSender.payloadBytes(prepared.record()));
    } catch (IOException | RuntimeException e) {
      reject(e);
      return;
    }
    CompletableFuture<Delivery> delivery = context.sender().send(prepared.record());
    reports.add(delivery, () -> report(delivery, prepared));
  }

  /**
   * Whether the stream outlived {@code streaming.connection.max.duration.ms}. From then on each record
   * gets a 408 without being produced, and the first record after the grace period ends the stream.
   */
  private boolean expired() {
    Instant now = context.clock().instant();
    if (expiredAt == null) {
      if (Duration.between(openedAt, now).compareTo(context.maxDuration()) < 0) {
        return false;
      }
      expiredAt = now;
    } else if (Duration.between(expiredAt, now).compareTo(context.gracePeriod()) >= 0) {
      ended = true;
    }
    return true;
  }

  private void reject(Throwable error) {
    ErrorResponse body = Errors.toFailure(error).body();
    reports.add(CompletableFuture.completedFuture(null), () -> body);
  }

  /** Runs on a writer thread, once {@code delivery} is complete. */
  private Object report(CompletableFuture<Delivery> delivery, PreparedRecord prepared) {
    Delivery stored;
    try {
      stored = delivery.join();
    } catch (CompletionException e) {
      return Errors.toFailure(e).body();
    }
    return new ProduceResponse(
        200,
        clusterId,
        topic,
        stored.partition(),
        stored.offset(),
        Instant.ofEpochMilli(stored.timestamp()).toString(),
        prepared.key(),
        prepared.value());
  }

  /** ISO-8859-1 bodies, re-encoded as the UTF-8 the JSON parser reads. */
  static final class Latin1 {
    private Latin1() {}

    static byte[] toUtf8(byte[] bytes, int length) {
      int extra = 0;
      for (int i = 0; i < length; i++) {
        extra += bytes[i] < 0 ? 1 : 0;
      }
      byte[] utf8 = new byte[length + extra];
      int j = 0;
      for (int i = 0; i < length; i++) {
        int b = bytes[i] & 0xFF;
        if (b < 0x80) {
          utf8[j++] = (byte) b;
        } else {
          utf8[j++] = (byte) (0xC0 | (b >> 6));
          utf8[j++] = (byte) (0x80 | (b & 0x3F));
        }
      }
      return utf8;
    }
  }
}

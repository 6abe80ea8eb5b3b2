package dev.tributary.produce;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.config.TributaryConfig;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ClusterMetadata;
import dev.tributary.kafka.RecordSender;
import dev.tributary.limits.ProduceRateLimits;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Opens produce streams: checks everything that fails a request as a whole (spec section 4, top level),
 * then hands back the stream that answers record by record. One instance serves every request.
 */
public final class ProduceStreams {

  private final ObjectMapper mapper;
  private final RecordBuilder builder;
  private final RecordSender sender;
  private final ClusterMetadata metadata;
  private final ProduceRateLimits rateLimits;
  private final Executor writers;
  private final Clock clock;
  private final Duration maxDuration;
  private final Duration gracePeriod;

  /**
   * @param writers runs report writing; any thread may block on a slow client there, so it must not be
   *     the producer's I/O thread or a small shared pool
   */
  public ProduceStreams(
      TributaryConfig config,
      ObjectMapper mapper,
      RecordSender sender,
      ClusterMetadata metadata,
      ProduceRateLimits rateLimits,
      Executor writers,
      Clock clock) {
    this.mapper = mapper;
    this.builder = new RecordBuilder(mapper);
    this.sender = sender;
    this.metadata = metadata;
    this.rateLimits = rateLimits;
    this.writers = writers;
    this.clock = clock;
    this.maxDuration = config.streamMaxDuration();
    this.gracePeriod = config.streamGracePeriod();
  }

  /**
   * Checks the request and reads up to its first non-blank byte.
   *
   * @throws TributaryException for a bad charset (400), an unknown cluster or topic (404), an empty body
   *     (422)
   * @throws org.apache.kafka.common.KafkaException if Kafka cannot be asked about the cluster or topic
   */
  public StreamingOutput open(String clusterId, String topic, MediaType contentType, InputStream body)
      throws IOException {
    boolean latin1 = isLatin1(contentType);
    if (!metadata.clusterId().equals(clusterId)) {
      throw TributaryException.of(ErrorCode.CLUSTER_NOT_FOUND, clusterId);
    }
    if (metadata.partitions(topic).isEmpty()) {
      throw TributaryException.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    byte[] buffer = new byte[8192];
    int length = readUntilContent(body, buffer);
    if (length < 0) {
      throw TributaryException.of(ErrorCode.EMPTY_BODY);
    }
    return new ProduceStream(this, clusterId, topic, body, buffer, length, latin1);
  }

  /** Whether the body is ISO-8859-1; UTF-8 (the default) is the other charset accepted. */
  private static boolean isLatin1(MediaType contentType) {
    String charset =
        contentType == null ? null : contentType.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset == null || charset.equalsIgnoreCase("UTF-8")) {
      return false;
    }
    if (charset.toUpperCase(Locale.ROOT).equals("ISO-8859-1")) {
      return true;
    }
    throw TributaryException.of(ErrorCode.UNSUPPORTED_CHARSET);
  }

  /**
   * Reads into {@code buffer} until it holds a byte that is not JSON whitespace.
   *
   * @return the number of bytes read, or -1 if the body ended blank
   */
  private static int readUntilContent(InputStream body, byte[] buffer) throws IOException {
    int read;
    while ((read = body.read(buffer)) != -1) {
      for (int i = 0; i < read; i++) {
        byte b = buffer[i];
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
          return read;
        }
      }
    }
    return -1;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  RecordBuilder builder() {
    return builder;
  }

  RecordSender sender() {
    return sender;
  }

  ClusterMetadata metadata() {
    return metadata;
  }

  ProduceRateLimits rateLimits() {
    return rateLimits;
  }

  Executor writers() {
    return writers;
  }

  Clock clock() {
    return clock;
  }

  Duration maxDuration() {
    return maxDuration;
  }

  Duration gracePeriod() {
    return gracePeriod;
  }
}

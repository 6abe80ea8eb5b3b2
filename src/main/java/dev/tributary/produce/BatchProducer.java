package dev.tributary.produce;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.api.ProduceBatchResponse;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.Errors;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.ExactlyOncePool;
import dev.tributary.kafka.ExactlyOnceSession;
import dev.tributary.kafka.SenderLease;
import dev.tributary.produce.record.DeliveryReport;
import dev.tributary.produce.record.TraceContext;
import jakarta.annotation.Nullable;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * {@code records:batch}: up to {@code api.v3.produce.batch.maximum.entries} records in one JSON request,
 * answered at once with HTTP 207, each entry's outcome by its id (Confluent's {@code produceRecordsBatch}).
 * Each entry is read, built, checked and sent as a streamed record is (the same {@link
 * dev.tributary.produce.record.RecordPipeline}), so one bad entry never fails another. With {@code
 * Tributary-Producer-Id} the batch is one Kafka transaction: every entry is visible, or none is, and the
 * same batch sent again with the same {@code Tributary-Sequence} is answered as duplicates. One instance
 * serves every request; thread-safe.
 */
public final class BatchProducer {

  /** An entry id, as the reference takes it: 1 to 80 of these characters. */
  private static final Pattern IDS = Pattern.compile("[0-9a-zA-Z_-]{1,80}");

  /** One entry of the body: its id, its record as tokens (the id left out), and its size in the body. */
  private record Entry(String id, TokenBuffer tokens, long bytes) {}

  private final StreamContext shared;
  private final RequestChecks checks;
  private final ExactlyOncePool exactlyOnce;
  private final int maxEntries;

  /**
   * @param maxEntries {@code api.v3.produce.batch.maximum.entries}
   */
  public BatchProducer(
      StreamContext shared,
      dev.tributary.auth.Authenticator authenticator,
      dev.tributary.kafka.ClusterMetadata metadata,
      ExactlyOncePool exactlyOnce,
      int maxEntries) {
    this.shared = requireNonNull(shared, "shared");
    this.checks = new RequestChecks(authenticator, metadata);
    this.exactlyOnce = requireNonNull(exactlyOnce, "exactlyOnce");
    this.maxEntries = maxEntries;
  }

  /**
   * Reads the body, on the container's thread (it is bounded: {@link #maxBodyBytes}), then checks the
   * request and produces its entries on the pool; {@code response} is resumed with the 207, or with
   * the failure of the whole request (the JAX-RS error mapper answers it).
   */
  void produce(
      String clusterId,
      String topic,
      @Nullable MediaType contentType,
      @Nullable String authorization,
      @Nullable String producerId,
      @Nullable String sequence,
      @Nullable TraceContext trace,
      InputStream body,
      AccessLog accessLog,
      AsyncResponse response) {
    long startNanos = System.nanoTime();
    byte[] bytes;
    StreamOpener.ExactlyOnceRequest exactly;
    try {
      exactly = StreamOpener.exactlyOnce(producerId, sequence);
      boolean latin1 = StreamOpener.isLatin1(contentType);
      bytes = body.readNBytes(maxBodyBytes() + 1);
      if (bytes.length > maxBodyBytes()) {
        throw TributaryException.of(ErrorCode.BATCH_TOO_LARGE, maxBodyBytes());
      }
      if (latin1) {
        bytes = new String(bytes, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      answer(response, e, accessLog, startNanos);
      return;
    }
    byte[] read = bytes;
    shared.pool().execute(
        () -> checkAndProduce(clusterId, topic, authorization, exactly, trace, read, accessLog, startNanos, response));
  }

  /** The most bytes a batch's body may have: its entries at the record size limit, and some room. */
  private int maxBodyBytes() {
    return (int) Math.min(Integer.MAX_VALUE - 16, (long) maxEntries * shared.settings().maxRecordBytes() + 65_536);
  }

  private void checkAndProduce(
      String clusterId,
      String topic,
      @Nullable String authorization,
      @Nullable StreamOpener.ExactlyOnceRequest exactly,
      @Nullable TraceContext trace,
      byte[] body,
      AccessLog accessLog,
      long startNanos,
      AsyncResponse response) {
    SenderLease lease;
    List<Entry> entries;
    try {
      lease = checks.pass(clusterId, topic, authorization);
    } catch (RuntimeException e) {
      answer(response, e, accessLog, startNanos);
      return;
    }
    try {
      entries = entries(body);
    } catch (IOException | RuntimeException e) {
      lease.close();
      answer(response, e, accessLog, startNanos);
      return;
    }
    if (exactly == null) {
      List<CompletableFuture<DeliveryReport>> reports = new ArrayList<>();
      for (Entry entry : entries) {
        reports.add(produce(clusterId, topic, lease, entry, trace));
      }
      respond(clusterId, topic, entries, reports, -1, null, () -> lease.close(), accessLog, startNanos, response);
      return;
    }
    ExactlyOnceSession session;
    try {
      session = exactlyOnce.openWhole(lease, exactly.producerId(), startNanos);
    } catch (RuntimeException e) {
      lease.close();
      answer(response, e, accessLog, startNanos);
      return;
    }
    StreamOpener.whenOpened(
        session,
        lease,
        exactly,
        shared.pool(),
        committed -> {
          List<CompletableFuture<DeliveryReport>> reports =
              transaction(clusterId, topic, session, exactly.first(), committed, entries, trace);
          respond(
              clusterId, topic, entries, reports, exactly.first(), committed,
              () -> {
                session.close();
                lease.close();
              },
              accessLog, startNanos, response);
        },
        refusal -> answer(response, refusal, accessLog, startNanos));
  }

  /**
   * The entries as one transaction: each numbered from {@code first}; those at or below {@code
   * committed} are duplicates; the rest are sent, and committed together, unless one is refused before
   * it is sent, which aborts them all.
   */
  private List<CompletableFuture<DeliveryReport>> transaction(
      String clusterId,
      String topic,
      ExactlyOnceSession session,
      long first,
      long committed,
      List<Entry> entries,
      @Nullable TraceContext trace) {
    List<CompletableFuture<DeliveryReport>> reports = new ArrayList<>();
    String refused = null;
    for (int i = 0; i < entries.size(); i++) {
      long number = first + i;
      Entry entry = entries.get(i);
      if (number <= committed) {
        reports.add(CompletableFuture.completedFuture(DeliveryReport.DUPLICATE));
      } else if (refused != null) {
        reports.add(failed(TributaryException.of(ErrorCode.BATCH_ENTRY_NOT_PRODUCED, refused)));
      } else {
        CompletableFuture<DeliveryReport> report = produce(clusterId, topic, session.at(number), entry, trace);
        if (report.isDone() && report.join() instanceof DeliveryReport.Failed) {
          refused = entry.id();
          session.abortAll(TributaryException.of(ErrorCode.BATCH_ENTRY_NOT_PRODUCED, refused));
        }
        reports.add(report);
      }
    }
    session.finish(); // commits, unless an entry aborted it
    return reports;
  }

  private CompletableFuture<DeliveryReport> produce(
      String clusterId, String topic, dev.tributary.kafka.Sender sender, Entry entry, @Nullable TraceContext trace) {
    if (entry.bytes() > shared.settings().maxRecordBytes()) {
      return failed(TributaryException.of(ErrorCode.RECORD_TOO_LARGE, shared.settings().maxRecordBytes()));
    }
    return shared.pipeline().produce(clusterId, topic, sender, entry.tokens(), trace);
  }

  /** Once every report is in: the 207, then {@code release}. */
  private void respond(
      String clusterId,
      String topic,
      List<Entry> entries,
      List<CompletableFuture<DeliveryReport>> reports,
      long first,
      @Nullable Long committed,
      Runnable release,
      AccessLog accessLog,
      long startNanos,
      AsyncResponse response) {
    CompletableFuture.allOf(reports.toArray(new CompletableFuture<?>[0]))
        .handleAsync(
            (ignored, error) -> {
              List<ProduceBatchResponse.Success> successes = new ArrayList<>();
              List<ProduceBatchResponse.Failure> failures = new ArrayList<>();
              AccessLog.Tally tally = new AccessLog.Tally();
              for (int i = 0; i < entries.size(); i++) {
                String id = entries.get(i).id();
                Long number = committed == null ? null : first + i;
                DeliveryReport report = reports.get(i).handle((r, e) -> r != null ? r : DeliveryReport.failed(e)).join();
                if (report instanceof DeliveryReport.Produced p) {
                  successes.add(
                      new ProduceBatchResponse.Success(
                          id, clusterId, topic, p.partition(), p.offset(), Instant.ofEpochMilli(p.timestamp()).toString(),
                          p.key(), p.value(), number, null));
                  tally.add(200);
                } else if (report instanceof DeliveryReport.Failed f) {
                  failures.add(new ProduceBatchResponse.Failure(id, f.body().errorCode(), f.body().message(), number));
                  tally.add(f.body().errorCode());
                } else {
                  successes.add(
                      new ProduceBatchResponse.Success(id, clusterId, topic, null, null, null, null, null, number, true));
                  tally.add(200);
                }
              }
              release.run();
              Response.ResponseBuilder answer =
                  Response.status(207)
                      .type(MediaType.APPLICATION_JSON_TYPE)
                      .entity(new ProduceBatchResponse(successes, failures));
              if (committed != null) {
                answer.header(StreamOpener.COMMITTED_SEQUENCE, Long.toString(committed));
              }
              accessLog.stream(207, tally, 0, System.nanoTime() - startNanos, false);
              response.resume(answer.build());
              return null;
            },
            shared.pool());
  }

  private static void answer(AsyncResponse response, Throwable error, AccessLog accessLog, long startNanos) {
    accessLog.refused(Errors.toFailure(error).httpStatus(), System.nanoTime() - startNanos);
    response.resume(error); // the error mapper answers (and logs) it
  }

  private static CompletableFuture<DeliveryReport> failed(Throwable error) {
    return CompletableFuture.completedFuture(DeliveryReport.failed(error));
  }

  /**
   * The body's entries, each with its id and its record's tokens. Whole-request errors, as the reference
   * answers them: an empty body, {@code entries} empty or too many, ids that are not 1 to 80 of {@code
   * [0-9a-zA-Z_-]} or that repeat (422, 42208); a body that is not JSON, or not an object of {@code
   * entries} (400).
   */
  private List<Entry> entries(byte[] body) throws IOException {
    ObjectMapper mapper = shared.mapper();
    List<Entry> entries = new ArrayList<>();
    try (JsonParser parser = mapper.getFactory().createParser(body)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw TributaryException.of(ErrorCode.BATCH_EMPTY_BODY);
      }
      if (token != JsonToken.START_OBJECT) {
        throw TributaryException.of(ErrorCode.BATCH_NOT_AN_OBJECT);
      }
      boolean seen = false;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        if (!parser.currentName().equals("entries") || seen) {
          throw TributaryException.of(ErrorCode.BATCH_NOT_AN_OBJECT);
        }
        seen = true;
        token = parser.nextToken();
        if (token == JsonToken.VALUE_NULL) {
          continue;
        }
        if (token != JsonToken.START_ARRAY) {
          throw TributaryException.of(ErrorCode.BATCH_NOT_AN_OBJECT);
        }
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
          entries.add(entry(parser, token));
          if (entries.size() > maxEntries) {
            throw TributaryException.of(ErrorCode.BATCH_TOO_MANY_ENTRIES);
          }
        }
      }
      if (parser.nextToken() != null) {
        throw TributaryException.of(ErrorCode.BATCH_NOT_AN_OBJECT); // something after the object
      }
    }
    Set<String> ids = new HashSet<>();
    for (Entry entry : entries) {
      if (!ids.add(entry.id())) {
        throw TributaryException.of(ErrorCode.BATCH_IDS_NOT_DISTINCT);
      }
    }
    if (entries.isEmpty()) {
      throw TributaryException.of(ErrorCode.BATCH_EMPTY);
    }
    return entries;
  }

  /** One entry, from its first token: its id taken out, the rest copied as a streamed record's tokens. */
  private static Entry entry(JsonParser parser, JsonToken first) throws IOException {
    if (first != JsonToken.START_OBJECT) {
      throw TributaryException.of(ErrorCode.BATCH_ID_INVALID); // not an object: it has no id
    }
    long start = parser.currentTokenLocation().getByteOffset();
    TokenBuffer tokens = new TokenBuffer(parser, null);
    tokens.copyCurrentEvent(parser);
    String id = null;
    int depth = 1;
    while (depth > 0) {
      JsonToken token = parser.nextToken();
      if (depth == 1 && token == JsonToken.FIELD_NAME && parser.currentName().equals("id")) {
        JsonToken value = parser.nextToken();
        if (id != null || value != JsonToken.VALUE_STRING || !IDS.matcher(parser.getText()).matches()) {
          throw TributaryException.of(ErrorCode.BATCH_ID_INVALID);
        }
        id = parser.getText();
        continue;
      }
      if (token == JsonToken.VALUE_NUMBER_INT && parser.getTextLength() == 2 && parser.getText().equals("-0")) {
        tokens.writeNumber("-0", true); // as an int the buffer would keep 0, and JSON data must keep its sign
      } else {
        tokens.copyCurrentEvent(parser);
      }
      if (token.isStructStart()) {
        depth++;
      } else if (token.isStructEnd()) {
        depth--;
      }
    }
    if (id == null) {
      throw TributaryException.of(ErrorCode.BATCH_ID_INVALID);
    }
    return new Entry(id, tokens, parser.currentLocation().getByteOffset() - start);
  }
}

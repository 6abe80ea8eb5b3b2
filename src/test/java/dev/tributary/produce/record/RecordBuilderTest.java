package dev.tributary.produce.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.EmbeddedFormat;
import dev.tributary.api.Json;
import dev.tributary.api.ProduceRequest;
import dev.tributary.api.ProduceResponseData;
import dev.tributary.errors.ErrorCode;
import dev.tributary.errors.TributaryException;
import dev.tributary.kafka.OutgoingRecord;
import dev.tributary.kafka.TopicRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A request record becomes exactly the bytes Kafka stores, with what its report says of them; a record
 * that breaks a rule is refused with the rule's error before anything is sent.
 */
class RecordBuilderTest {

  private final ObjectMapper mapper = Json.newMapper();
  private final RecordBuilder builder = new RecordBuilder(mapper);

  private PreparedRecord build(String json, TopicRules rules) throws Exception {
    return builder.build("t", mapper.readValue(json.replace('\'', '"'), ProduceRequest.class), rules);
  }

  private PreparedRecord build(String json) throws Exception {
    return build(json, TopicRules.UNKNOWN);
  }

  private ErrorCode refusal(String json, TopicRules rules) {
    return assertThrows(TributaryException.class, () -> build(json, rules), json).code();
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void eachFormatBecomesItsBytes() throws Exception {
    PreparedRecord record =
        build("{'key':{'type':'BINARY','data':'AAEC'},'value':{'type':'STRING','data':'h\u00e9'}}");
    assertArrayEquals(new byte[] {0, 1, 2}, record.record().key());
    assertArrayEquals("h\u00e9".getBytes(StandardCharsets.UTF_8), record.record().value());
    assertEquals(new ProduceResponseData(EmbeddedFormat.BINARY, 3), record.key());
    assertEquals(new ProduceResponseData(EmbeddedFormat.STRING, 3), record.value());
  }

  @Test
  void jsonDataIsStoredCompactWithItsNumbersAsWritten() throws Exception {
    PreparedRecord record = build("{'value':{'type':'JSON','data':{ 'n' : 1e400, 'm':1.0e2,'s':'\u00e9','a':[true,null]}}}");
    String stored = "{\"n\":1e400,\"m\":1.0e2,\"s\":\"\u00e9\",\"a\":[true,null]}";
    assertEquals(stored, utf8(record.record().value()));
    assertEquals(new ProduceResponseData(EmbeddedFormat.JSON, stored.getBytes(StandardCharsets.UTF_8).length), record.value());
  }

  @Test
  void aRecordWithoutKeyOrValueHasNoneAndItsReportNamesNone() throws Exception {
    PreparedRecord record = build("{}");
    OutgoingRecord outgoing = record.record();
    assertNull(outgoing.key());
    assertNull(outgoing.value());
    assertNull(outgoing.partition());
    assertNull(outgoing.timestamp());
    assertNull(record.key());
    assertNull(record.value());
  }

  @Test
  void thePartitionTimestampAndHeadersAreKept() throws Exception {
    OutgoingRecord record =
        build("{'partition_id':2,'timestamp':'2021-02-05T19:14:42.123Z','headers':[{'name':'a','value':'AQ=='},{'name':'b'}]}")
            .record();
    assertEquals(2, record.partition());
    assertEquals(Instant.parse("2021-02-05T19:14:42.123Z").toEpochMilli(), record.timestamp());
    assertEquals(2, record.headers().size());
    assertEquals("a", record.headers().get(0).name());
    assertArrayEquals(new byte[] {1}, record.headers().get(0).value());
    assertEquals("b", record.headers().get(1).name());
    assertNull(record.headers().get(1).value());
  }

  @Test
  void aRecordThatBreaksTheApisRulesIsRefusedWithTheRulesError() {
    TopicRules any = TopicRules.UNKNOWN;
    assertEquals(ErrorCode.PARTITION_NOT_FOUND, refusal("{'partition_id':-1}", any));
    assertEquals(ErrorCode.NOT_BASE64, refusal("{'value':{'type':'BINARY','data':1}}", any));
    assertEquals(ErrorCode.INVALID_BASE64, refusal("{'value':{'type':'BINARY','data':'!'}}", any));
    assertEquals(ErrorCode.NOT_A_STRING, refusal("{'value':{'type':'STRING','data':{}}}", any));
    assertEquals(ErrorCode.UNPAIRED_SURROGATE, refusal("{'value':{'type':'STRING','data':'\\ud800'}}", any));
    assertEquals(ErrorCode.UNPAIRED_SURROGATE, refusal("{'value':{'type':'JSON','data':['\\udc00']}}", any));
    assertEquals(ErrorCode.UNPAIRED_SURROGATE, refusal("{'headers':[{'name':'\\ud800'}]}", any));
    assertEquals(ErrorCode.INVALID_HEADER_VALUE, refusal("{'headers':[{'name':'a','value':'!'}]}", any));
    assertEquals(ErrorCode.TIMESTAMP_NOT_ISO, refusal("{'timestamp':'yesterday'}", any));
    assertEquals(ErrorCode.TIMESTAMP_BEFORE_EPOCH, refusal("{'timestamp':'1969-12-31T23:59:59Z'}", any));
  }

  @Test
  void aRecordThatBreaksItsTopicsRulesIsRefusedBeforeItIsSent() throws Exception {
    TopicRules compacted = new TopicRules(Integer.MAX_VALUE, true, Long.MAX_VALUE, Long.MAX_VALUE, true);
    assertEquals(ErrorCode.KEY_REQUIRED, refusal("{'value':{'data':1}}", compacted));
    build("{'key':{'data':1}}", compacted); // a key is all it needs

    TopicRules withinAnHour = new TopicRules(Integer.MAX_VALUE, true, 3_600_000, 3_600_000, false);
    assertEquals(ErrorCode.TIMESTAMP_TOO_EARLY, refusal("{'timestamp':'2000-01-01T00:00:00Z'}", withinAnHour));
    assertEquals(ErrorCode.TIMESTAMP_TOO_LATE, refusal("{'timestamp':'2999-01-01T00:00:00Z'}", withinAnHour));
    TopicRules logAppendTime = new TopicRules(Integer.MAX_VALUE, false, 3_600_000, 3_600_000, false);
    build("{'timestamp':'2000-01-01T00:00:00Z'}", logAppendTime); // the broker's time replaces it
  }
}

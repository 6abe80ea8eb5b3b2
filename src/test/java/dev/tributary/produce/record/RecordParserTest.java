package dev.tributary.produce.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tributary.api.Json;
import dev.tributary.api.ProduceRequest;
import dev.tributary.errors.TributaryException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming read and data binding build equal requests; every other shape goes to data binding. */
class RecordParserTest {

  private final ObjectMapper mapper = Json.newMapper();
  private final RecordParser parser = new RecordParser(mapper);

  private TokenBuffer tokens(String json) throws IOException {
    try (JsonParser parser = mapper.createParser(json.replace('\'', '"'))) {
      parser.nextToken();
      TokenBuffer tokens = new TokenBuffer(parser, null);
      tokens.copyCurrentStructure(parser);
      return tokens;
    }
  }

  private ProduceRequest streamed(String json) throws IOException {
    try (JsonParser parser = tokens(json).asParser()) {
      return RecordParser.readCommon(parser);
    }
  }

  private ProduceRequest bound(String json) throws IOException {
    return mapper.readValue(json.replace('\'', '"'), ProduceRequest.class);
  }

  @Test
  void commonShapesAreReadWithoutDataBindingAndEqualIt() throws Exception {
    for (String json :
        List.of(
            "{}",
            "{'value':{'type':'BINARY','data':'AAEC'}}",
            "{'key':{'type':'STRING','data':'k'},'value':{'data':'v','type':'JSON'}}",
            "{'value':{'data':'no type means JSON'}}",
            "{'key':null,'value':{'type':null,'data':null}}",
            "{'value':{}}",
            "{'partition_id':2,'timestamp':'2021-02-05T19:14:42Z','value':{'type':'BINARY','data':'AA'}}",
            "{'partition_id':null,'timestamp':null,'headers':null}",
            "{'headers':[]}",
            "{'headers':[{'name':'a','value':'AQ=='},{'value':null,'name':'a'},{'name':'b'}]}",
            "{'timestamp':'not a date','partition_id':-1,'value':{'type':'BINARY','data':'!'}}")) {
      ProduceRequest request = streamed(json);
      assertNotNull(request, json);
      assertEquals(bound(json), request, json);
      assertEquals(bound(json), parser.read(tokens(json)), json);
    }
  }

  @Test
  void everyOtherShapeGoesToDataBinding() throws Exception {
    for (String json :
        List.of(
            "[]",
            "{'value':{'type':'JSON','data':{'a':[1,2]}}}",
            "{'value':{'type':'JSON','data':12}}",
            "{'partition_id':'3'}",
            "{'partition_id':1.0}",
            "{'timestamp':12}",
            "{'value':{'type':1,'data':'x'}}",
            "{'value':{'type':'binary','data':'AA'}}",
            "{'value':{'type':'BINARY','data':'AA','data':'AB'}}",
            "{'value':{'type':'BINARY','type':'STRING','data':'AA'}}",
            "{'value':null,'value':{'data':'x'}}",
            "{'headers':[{'name':'a','value':'AQ==','value':null}]}",
            "{'headers':[{'name':'a','name':'b'}]}",
            "{'headers':[{'name':'a','extra':1}]}",
            "{'headers':{'name':'a'}}",
            "{'other':1}",
            "{'value':{'type':'STRING','data':'x','extra':true}}")) {
      assertNull(streamed(json), json);
    }
    // Those data binding accepts are read exactly as before.
    for (String json :
        List.of(
            "{'value':{'type':'JSON','data':{'a':[1,2]}}}",
            "{'value':{'type':'JSON','data':{'a':1,'a':2}}}",
            "{'key':{'data':[1.50,'x',null,1e400]}}")) {
      assertEquals(bound(json), parser.read(tokens(json)), json);
    }
  }

  @Test
  void errorsAreDataBindingsOwn() throws Exception {
    for (String json :
        List.of(
            "{'other':1}",
            "{'headers':[{'value':'AA'}]}",
            "{'headers':[null]}",
            "{'value':{'type':'binary','data':'AA'}}",
            "{'partition_id':1e40}",
            "{'partition_id':'3'}",
            "{'partition_id':1.0}")) {
      Exception expected = assertThrows(Exception.class, () -> bound(json), json);
      Exception actual = assertThrows(Exception.class, () -> parser.read(tokens(json)), json);
      assertEquals(expected.getClass(), actual.getClass(), json);
      assertEquals(
          ((com.fasterxml.jackson.core.JsonProcessingException) expected).getOriginalMessage(),
          ((com.fasterxml.jackson.core.JsonProcessingException) actual).getOriginalMessage(),
          json);
    }
  }

  @Test
  void aRepeatedFieldIsABadRequestNamingIt() throws Exception {
    String[][] cases = {
      {"{'partition_id':1,'partition_id':2}", "partition_id"},
      {"{'value':null,'value':{'data':'x'}}", "value"},
      {"{'key':{'type':'BINARY','data':'AA','data':'AB'}}", "key.data"},
      {"{'value':{'type':'BINARY','type':'STRING','data':'AA'}}", "value.type"},
      {"{'headers':[{'name':'a'},{'name':'a','name':'b'}]}", "headers[1].name"},
      {"{'other':{'a':1,'a':1},'timestamp':'x','timestamp':'y'}", "timestamp"},
    };
    for (String[] c : cases) {
      TributaryException e = assertThrows(TributaryException.class, () -> parser.read(tokens(c[0])), c[0]);
      assertEquals("Bad Request: Duplicate field \"" + c[1] + "\".", e.getMessage(), c[0]);
    }
  }
}

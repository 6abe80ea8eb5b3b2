package dev.tributary.produce;

import dev.tributary.api.ProduceResponseData;
import dev.tributary.kafka.OutgoingRecord;

/**
 * A request record turned into bytes, with what its report will say about them.
 *
 * @param key null when the request had no key object, so the report has none
 * @param value null when the request had no value object
 */
record PreparedRecord(OutgoingRecord record, ProduceResponseData key, ProduceResponseData value) {}

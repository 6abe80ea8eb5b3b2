package dev.tributary.produce.record;

import dev.tributary.api.ProduceResponseData;
import dev.tributary.kafka.OutgoingRecord;
import jakarta.annotation.Nullable;

/**
 * A request record turned into bytes, with what its report will say about them.
 *
 * @param key null when the request had no key object, so the report has none
 * @param value null when the request had no value object
 */
record PreparedRecord(OutgoingRecord record, @Nullable ProduceResponseData key, @Nullable ProduceResponseData value) {}

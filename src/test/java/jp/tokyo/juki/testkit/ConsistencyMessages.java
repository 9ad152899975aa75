package jp.tokyo.juki.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Request;

/** The consistency check's messages (CONSISTENCY_BEGIN, _RECORDS, _END) as a CS sends them, for the ITs. */
public final class ConsistencyMessages {
    private static final AtomicLong SEQ = new AtomicLong();

    private ConsistencyMessages() {
    }

    public static Request begin(String sender, String store, String session, long expected) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("store", store);
        body.put("session", session);
        body.put("expected", expected);
        return message(sender, "CONSISTENCY_BEGIN", body);
    }

    public static Request chunk(String sender, String session, int chunk, List<ObjectNode> records) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("session", session);
        body.put("chunk", chunk);
        ArrayNode list = body.putArray("records");
        records.forEach(list::add);
        return message(sender, "CONSISTENCY_RECORDS", body);
    }

    public static Request end(String sender, String session, Integer part) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("session", session);
        if (part != null) {
            body.put("part", part);
        }
        return message(sender, "CONSISTENCY_END", body);
    }

    public static Request message(String sender, String type, ObjectNode body) {
        return new Request(Messages.newId(), type, sender, SEQ.incrementAndGet(), OffsetDateTime.now(ZoneOffset.ofHours(9)),
                null, null, body);
    }
}

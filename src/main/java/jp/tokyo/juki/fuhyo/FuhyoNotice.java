package jp.tokyo.juki.fuhyo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.RecordJson;

/**
 * The body of a {@code FUHYO_NOTICE} to the fuhyo national server (PROTOCOL §3.2): the origin,
 * the record's members as notified, the reason and the change date — never a My Number (the
 * fuhyo store has none).
 */
final class FuhyoNotice {
    private FuhyoNotice() {
    }

    static ObjectNode body(String sender, String requestId, FuhyoUpdate update) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        FuhyoRecord r = update.record();
        ObjectNode body = f.objectNode();
        ObjectNode origin = body.putObject("origin");
        origin.put("sender", sender);
        origin.put("id", requestId);
        RecordJson.putFuhyo(body, r);
        body.put("reason", update.reason().name());
        body.put("changeDate", update.changeDate().toString());
        return body;
    }
}

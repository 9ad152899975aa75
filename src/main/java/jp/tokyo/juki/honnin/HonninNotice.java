package jp.tokyo.juki.honnin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.RecordJson;

/**
 * The body of a {@code HONNIN_NOTICE} to the national server: exactly the eight items of SPEC
 * R-UPD (住民票コード, 氏名, 生年月日, 性別, 住所, 個人番号, 異動事由, 異動年月日) and the origin.
 */
final class HonninNotice {
    private HonninNotice() {
    }

    static ObjectNode body(String sender, String requestId, HonninUpdate update) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        HonninRecord r = update.record();
        ObjectNode body = f.objectNode();
        ObjectNode origin = body.putObject("origin");
        origin.put("sender", sender);
        origin.put("id", requestId);
        RecordJson.putNotified(body, r);
        body.put("reason", update.reason().name());
        body.put("changeDate", update.changeDate().toString());
        return body;
    }
}

package jp.tokyo.juki.honnin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdate;

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
        body.put("juminhyoCode", r.juminhyoCode());
        ObjectNode name = body.putObject("name");
        name.put("kanji", r.name().kanji());
        name.put("kana", r.name().kana());
        body.put("birthDate", r.birthDate());
        body.put("sex", r.sex());
        ObjectNode address = body.putObject("address");
        address.put("text", r.address().text());
        address.put("municipalityCode", r.address().municipalityCode());
        body.put("myNumber", r.myNumber());
        body.put("reason", update.reason().name());
        body.put("changeDate", update.changeDate().toString());
        return body;
    }
}

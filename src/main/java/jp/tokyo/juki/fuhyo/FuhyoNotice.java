package jp.tokyo.juki.fuhyo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.FuhyoUpdate;

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
        body.put("juminhyoCode", r.juminhyoCode());
        ObjectNode name = body.putObject("name");
        name.put("kanji", r.name().kanji());
        name.put("kana", r.name().kana());
        name.put("gaijiCount", r.name().gaijiCount());
        body.put("birthDate", r.birthDate());
        body.put("sex", r.sex());
        ObjectNode address = body.putObject("address");
        address.put("municipalityCode", r.address().municipalityCode());
        address.put("text", r.address().text());
        address.put("gaijiCount", r.address().gaijiCount());
        ObjectNode last = body.putObject("lastAddress");
        last.put("text", r.lastAddress().text());
        last.put("gaijiCount", r.lastAddress().gaijiCount());
        if (r.formerJuminhyoCode() != null) {
            body.put("formerJuminhyoCode", r.formerJuminhyoCode());
        }
        body.put("managingMunicipalityCode", r.managingMunicipalityCode());
        body.put("status", r.status());
        body.put("gaijiFlag", r.gaijiFlag());
        if (r.gaijiPattern() != null) {
            body.put("gaijiPattern", r.gaijiPattern());
        }
        body.put("noticeKind", r.noticeKind());
        body.put("reason", update.reason().name());
        body.put("changeDate", update.changeDate().toString());
        return body;
    }
}

package jp.tokyo.juki.fuhyo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.store.NoticeBody;
import jp.tokyo.juki.wire.Request;

/**
 * The body of a {@code FUHYO_NOTICE} to the fuhyo national server (PROTOCOL §3.2): the origin,
 * the record's members as notified, the reason and the change date — never a My Number (the
 * fuhyo store has none).
 */
final class FuhyoNotice {
    private FuhyoNotice() {
    }

    /** @param origin the CS update the notice comes from */
    static String body(Request origin, FuhyoUpdate update) {
        FuhyoRecord r = update.record();
        NoticeBody notice = NoticeBody.of(origin, r.juminhyoCode())
                .person(r.name().kanji(), r.name().kana(), r.name().gaijiCount(), r.birthDate(), r.sex());
        ObjectNode body = notice.items();
        body.putObject("address").put("municipalityCode", r.address().municipalityCode())
                .put("text", r.address().text()).put("gaijiCount", r.address().gaijiCount());
        body.putObject("lastAddress").put("text", r.lastAddress().text()).put("gaijiCount", r.lastAddress().gaijiCount());
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
        return notice.end(update.reason(), update.changeDate());
    }
}

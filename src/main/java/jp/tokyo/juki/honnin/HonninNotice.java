package jp.tokyo.juki.honnin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.store.NoticeBody;
import jp.tokyo.juki.wire.Request;

/**
 * The body of a {@code HONNIN_NOTICE} to the national server: exactly the eight items of SPEC
 * R-UPD (住民票コード, 氏名, 生年月日, 性別, 住所, 個人番号, 異動事由, 異動年月日) and the origin.
 */
final class HonninNotice {
    private HonninNotice() {
    }

    /** @param origin the CS update the notice comes from */
    static String body(Request origin, HonninUpdate update) {
        HonninRecord r = update.record();
        NoticeBody notice = NoticeBody.of(origin, r.juminhyoCode())
                .person(r.name().kanji(), r.name().kana(), r.birthDate(), r.sex());
        ObjectNode address = notice.items().putObject("address");
        address.put("text", r.address().text());
        address.put("municipalityCode", r.address().municipalityCode());
        notice.items().put("myNumber", r.myNumber());
        return notice.end(update.reason(), update.changeDate());
    }
}

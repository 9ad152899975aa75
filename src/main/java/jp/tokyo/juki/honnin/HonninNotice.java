package jp.tokyo.juki.honnin;

import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.RecordJson;
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
        NoticeBody notice = NoticeBody.of(origin);
        RecordJson.putNotified(notice.items(), r);
        return notice.end(update.reason(), update.changeDate());
    }
}

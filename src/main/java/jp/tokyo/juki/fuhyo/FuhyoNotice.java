package jp.tokyo.juki.fuhyo;

import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.RecordJson;
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
        NoticeBody notice = NoticeBody.of(origin);
        RecordJson.putFuhyo(notice.items(), r);
        return notice.end(update.reason(), update.changeDate());
    }
}

package jp.tokyo.juki.record;

import java.time.LocalDate;
import java.util.List;

/** The body of a {@code FUHYO_UPDATE}: the record (for a deletion, as it stood), why and when. */
public record FuhyoUpdate(FuhyoRecord record, Reason reason, LocalDate changeDate) {

    /** The 住民票コード it concerns: the record's, and the former one of a code change. */
    public List<String> persons() {
        return reason == Reason.JUMINHYO_CODE_CHANGE
                ? List.of(record.juminhyoCode(), record.formerJuminhyoCode())
                : List.of(record.juminhyoCode());
    }
}

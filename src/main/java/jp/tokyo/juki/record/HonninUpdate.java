package jp.tokyo.juki.record;

import java.time.LocalDate;
import java.util.List;

/**
 * The body of a {@code HONNIN_UPDATE}: the new state (or, for a deletion, the state as it
 * stood), why it changed and when.
 *
 * @param formerJuminhyoCode only for {@link Reason#JUMINHYO_CODE_CHANGE}, else {@code null}
 */
public record HonninUpdate(HonninRecord record, Reason reason, LocalDate changeDate, String formerJuminhyoCode) {

    /** The 住民票コード it concerns: the record's, and the former one of a code change. */
    public List<String> persons() {
        return formerJuminhyoCode == null ? List.of(record.juminhyoCode())
                : List.of(record.juminhyoCode(), formerJuminhyoCode);
    }
}

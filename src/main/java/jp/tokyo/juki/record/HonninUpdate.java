package jp.tokyo.juki.record;

import java.time.LocalDate;

/**
 * The body of a {@code HONNIN_UPDATE}: the new state (or, for a deletion, the state as it
 * stood), why it changed and when.
 *
 * @param formerJuminhyoCode only for {@link Reason#JUMINHYO_CODE_CHANGE}, else {@code null}
 */
public record HonninUpdate(HonninRecord record, Reason reason, LocalDate changeDate, String formerJuminhyoCode) {
}

package jp.tokyo.juki.fuhyo;

import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.store.LogicCheck;

/**
 * The logical checks of a fuhyo notice against the store (SPEC R-VAL-LOGIC): the notice passes, or
 * is refused by the rule that failed — answered as {@code E140}; the refusal names the rule,
 * never the person.
 */
final class FuhyoLogicChecks {
    private FuhyoLogicChecks() {
    }

    /**
     * @param current the person as the store has them now, or {@code null}
     * @param former  for a 住民票コード change, the person under the former code, or {@code null}
     */
    static LogicCheck check(FuhyoUpdate update, String sender, FuhyoRow current, FuhyoRow former) {
        Reason reason = update.reason();
        // the notice kind, not the reason, says what happens to the annex (a move is a change)
        switch (update.record().noticeKind()) {
            case "ENTRY" -> {
                if (current != null && !current.deleted()) {
                    return LogicCheck.refused("R-VAL-LOGIC entry: person is already on a family-register annex");
                }
                return LogicCheck.PASSED;
            }
            case "DELETION" -> {
                if (current == null) {
                    return LogicCheck.refused("R-VAL-LOGIC deletion: person is not in the fuhyo store");
                }
                if (current.deleted()) {
                    return LogicCheck.refused("R-VAL-LOGIC deletion: person is already deleted");
                }
                if (!current.isManagedBy(sender)) {
                    return LogicCheck.refused("R-VAL-LOGIC deletion: person's annex is managed by another municipality");
                }
                return LogicCheck.PASSED;
            }
            default -> {
                if (reason == Reason.JUMINHYO_CODE_CHANGE) {
                    if (former == null || !former.isManagedBy(sender)) {
                        return LogicCheck.refused("R-VAL-LOGIC code change: former code is not on an annex of the sending municipality");
                    }
                    if (current != null && !current.deleted()) {
                        return LogicCheck.refused("R-VAL-LOGIC code change: new code belongs to a person on an annex");
                    }
                    return LogicCheck.PASSED;
                }
                if (current == null || !current.isManagedBy(sender)) {
                    return LogicCheck.refused("R-VAL-LOGIC change: person is not on an annex of the sending municipality");
                }
                return LogicCheck.PASSED;
            }
        }
    }
}

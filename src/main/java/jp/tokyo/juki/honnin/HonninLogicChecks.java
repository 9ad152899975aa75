package jp.tokyo.juki.honnin;

import java.util.Objects;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.store.LogicCheck;

/**
 * The logical checks against the store (SPEC R-VAL-LOGIC, 評価書 Ⅲ-2 リスク3): the update passes,
 * or is refused by the rule that failed — answered as {@code E140}. The refusal names the rule, never
 * the person.
 */
final class HonninLogicChecks {
    private HonninLogicChecks() {
    }

    /**
     * @param current the person as the store has them now, or {@code null}
     * @param former  for a 住民票コード change, the person under the former code, or {@code null}
     */
    static LogicCheck check(HonninUpdate update, String sender, HonninRow current, HonninRow former) {
        Reason reason = update.reason();
        switch (reason.kind()) {
            case ENTRY -> {
                // 転入・出生 for a person who is a current resident
                if (current != null && !current.deleted()) {
                    return LogicCheck.refused("R-VAL-LOGIC entry: person is already a current resident");
                }
                return LogicCheck.PASSED;
            }
            case DELETION -> {
                if (current == null || !current.isResidentOf(sender)) {
                    return LogicCheck.refused("R-VAL-LOGIC deletion: person is not a current resident of the sending municipality");
                }
                return LogicCheck.PASSED;
            }
            default -> {
                if (reason == Reason.JUMINHYO_CODE_CHANGE) {
                    if (former == null || !former.isResidentOf(sender)) {
                        return LogicCheck.refused("R-VAL-LOGIC code change: former code is not a current resident of the sending municipality");
                    }
                    if (current != null && !current.deleted()) {
                        return LogicCheck.refused("R-VAL-LOGIC code change: new code belongs to a current resident");
                    }
                    return LogicCheck.PASSED;
                }
                if (current == null || !current.isResidentOf(sender)) {
                    return LogicCheck.refused("R-VAL-LOGIC change: person is not a current resident of the sending municipality");
                }
                if (reason == Reason.MOVE_WITHIN && !onlyAddressDiffers(current.record(), update.record())) {
                    return LogicCheck.refused("R-VAL-LOGIC move within: items other than the address changed");
                }
                return LogicCheck.PASSED;
            }
        }
    }

    /** 転居 may change the address text, its gaiji items and 大字・字コード; nothing else. */
    static boolean onlyAddressDiffers(HonninRecord before, HonninRecord after) {
        return before.juminhyoCode().equals(after.juminhyoCode())
                && before.name().equals(after.name())
                && before.birthDate().equals(after.birthDate())
                && before.sex().equals(after.sex())
                && before.myNumber().equals(after.myNumber())
                && before.retentionFlag().equals(after.retentionFlag())
                && Objects.equals(before.formerSurname(), after.formerSurname())
                && before.address().municipalityCode().equals(after.address().municipalityCode());
    }
}

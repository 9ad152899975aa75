package jp.tokyo.juki.honnin;

import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.store.Stamp;

/**
 * One version of a person in the honnin store: the notified record, its 清音化 kana, and what the
 * gateway records with it (timestamps, delete flag, 更新順番号, operator and terminal).
 */
record HonninRow(HonninRecord record, String kanaNormalized, Stamp stamp) {

    /** Deleted: no longer a resident (転出, 死亡, …). */
    boolean deleted() {
        return stamp.deleted();
    }

    /** Lives in the store now (not deleted) in the given municipality. */
    boolean isResidentOf(String municipalityCode) {
        return !deleted() && record.address().municipalityCode().equals(municipalityCode);
    }
}

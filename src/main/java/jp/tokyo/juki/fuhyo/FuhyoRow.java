package jp.tokyo.juki.fuhyo;

import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.store.Stamp;

/**
 * One version of a person in the fuhyo store: the notified record, its 清音化 kana, and what the
 * gateway records with it (timestamps, delete flag, 更新順番号, operator and terminal).
 */
record FuhyoRow(FuhyoRecord record, String kanaNormalized, Stamp stamp) {

    /** Deleted: no longer on an annex. */
    boolean deleted() {
        return stamp.deleted();
    }

    /** On the annex now (not deleted) and managed by the given municipality. */
    boolean isManagedBy(String municipalityCode) {
        return !deleted() && record.managingMunicipalityCode().equals(municipalityCode);
    }
}

package jp.tokyo.juki.fuhyo;

import java.time.Instant;
import java.time.LocalDate;
import jp.tokyo.juki.record.FuhyoRecord;

/**
 * One version of a person in the fuhyo store: the notified record plus the items the gateway
 * sets itself (清音化 kana, timestamps, delete flag, 更新順番号, operator and terminal).
 */
record FuhyoRow(FuhyoRecord record, String reason, LocalDate changeDate, String kanaNormalized,
                String operatorId, String terminalId, Instant updatedAt, LocalDate notifiedDate,
                boolean deleted, long updateSeq, String originSender, String originId) {

    String juminhyoCode() {
        return record.juminhyoCode();
    }

    /** On the annex now (not deleted) and managed by the given municipality. */
    boolean isManagedBy(String municipalityCode) {
        return !deleted && record.managingMunicipalityCode().equals(municipalityCode);
    }
}

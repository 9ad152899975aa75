package jp.tokyo.juki.honnin;

import java.time.Instant;
import java.time.LocalDate;
import jp.tokyo.juki.record.HonninRecord;

/**
 * One version of a person in the honnin store: the notified record plus the items the gateway
 * sets itself (清音化 kana, timestamps, delete flag, 更新順番号, operator and terminal).
 */
record HonninRow(HonninRecord record, String reason, LocalDate changeDate, String kanaNormalized,
                 String operatorId, String terminalId, Instant updatedAt, LocalDate notifiedDate,
                 boolean deleted, long updateSeq, String originSender, String originId) {

    String juminhyoCode() {
        return record.juminhyoCode();
    }

    /** Lives in the store now (not deleted) in the given municipality. */
    boolean isResidentOf(String municipalityCode) {
        return !deleted && record.address().municipalityCode().equals(municipalityCode);
    }
}

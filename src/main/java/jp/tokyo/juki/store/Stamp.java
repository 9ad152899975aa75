package jp.tokyo.juki.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * What the gateway records with each version of a person besides the notified record, the same
 * in both stores: the update's 異動事由 and 異動年月日, the operator and terminal, when it was
 * written (and the day, JST), the delete flag, its 更新順番号 and the CS update it came from.
 */
public record Stamp(String reason, LocalDate changeDate, String operatorId, String terminalId, Instant updatedAt,
                    LocalDate notifiedDate, boolean deleted, long updateSeq, String originSender, String originId) {

    /** The stamp of a row selected from a person table (or its history) with these columns among its own. */
    public static Stamp read(ResultSet rs) throws SQLException {
        return new Stamp(rs.getString("reason"), rs.getDate("change_date").toLocalDate(), rs.getString("operator_id"),
                rs.getString("terminal_id"), rs.getTimestamp("updated_at").toInstant(),
                rs.getDate("notified_date").toLocalDate(), rs.getBoolean("deleted"), rs.getLong("update_seq"),
                rs.getString("origin_sender"), rs.getString("origin_id"));
    }
}

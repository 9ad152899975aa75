package jp.tokyo.juki.deadletter;

import jakarta.jms.JMSException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;

/**
 * Whether replaying a dead notice would put the person's data at the national server back in an
 * older state: a later notice of the same person was delivered (its audit record has the
 * national server's ACK or DUPLICATE) or waits in the queue ahead of where the replay would go.
 * "Later" is by outbox id, the number after the last dash of a notice's message id.
 */
final class Supersession {
    private final DeadLetters letters;
    private final DataSource db;

    Supersession(DeadLetters letters, DataSource db) {
        this.letters = letters;
        this.db = db;
    }

    /** Why a replay of {@code d} would overwrite newer data, or null. */
    String supersededBy(DeadLetter d) throws JMSException, SQLException {
        if (d.personKey() == null || d.outboxId() < 0) {
            return null;
        }
        int waiting = letters.laterOfSamePerson(d);
        if (waiting > 0) {
            return waiting + " later notice(s) of the same person wait in " + d.original();
        }
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT msg_id FROM audit.record WHERE persons @> ARRAY[?]::text[] "
                + "AND line = 'national' AND direction = 'out' AND msg_type = ? AND status IN ('ACK', 'DUPLICATE')")) {
            c.setAutoCommit(true);
            ps.setString(1, d.personKey());
            ps.setString(2, d.type());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String msgId = rs.getString(1);
                    if (outboxId(msgId) > d.outboxId()) {
                        return "a later notice of the same person (" + msgId + ") was delivered";
                    }
                }
            }
        }
        return null;
    }

    /** The outbox id at the end of a notice's message id, or -1. */
    static long outboxId(String msgId) {
        int dash = msgId == null ? -1 : msgId.lastIndexOf('-');
        if (dash > 0 && msgId.substring(dash + 1).matches("\\d{1,18}")) {
            return Long.parseLong(msgId.substring(dash + 1));
        }
        return -1;
    }
}

package jp.tokyo.juki.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * What an erasure waits for before its VACUUM: VACUUM keeps every row version an open snapshot may
 * still read, so rows erased by transaction {@code xid} leave the table's files only once no other
 * session's snapshot or transaction is as old as it. Used by the My Number hold's erasure (R-LINK)
 * and the retention jobs (R-RET). Any role may ask: {@code pg_stat_activity} shows every session's
 * {@code backend_xid} and {@code backend_xmin} to every role (only the query text is hidden;
 * checked on PostgreSQL 15 and 17.5).
 */
public final class OlderSnapshots {
    private static final String COUNT = "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            + "AND (age(backend_xmin) >= age(xid(?::xid8)) OR age(backend_xid) >= age(xid(?::xid8)))";

    private OlderSnapshots() {
    }

    /** The current transaction's id, as text (it is assigned if it had none). */
    public static String currentXid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_xact_id()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Waits, at most {@code wait}, until no other session is as old as {@code xid}: true when none is
     * left, false when one still is (or the thread was interrupted).
     */
    public static boolean awaitGone(Connection c, String xid, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (PreparedStatement ps = c.prepareStatement(COUNT)) {
            ps.setString(1, xid);
            ps.setString(2, xid);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }
}

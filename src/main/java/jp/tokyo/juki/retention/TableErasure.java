package jp.tokyo.juki.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import jp.tokyo.juki.platform.OlderSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The erasure of rows past a cut-off from one table, as R-LINK's hold erasure does it: DELETE,
 * then VACUUM once no older snapshot can still see the deleted rows. The DELETE goes in chunks of
 * {@code batch} rows, each its own short transaction, so a CS update never waits long for a row a
 * job holds. The VACUUM is {@code VACUUM (FULL, ANALYZE)} for tables holding personal data: the
 * table is rewritten, so no byte of an erased row stays in the free space of its pages or in its
 * indexes, and the statistics sample is taken anew. A plain VACUUM does for a table without
 * personal data (the idempotency records). A VACUUM that could not be done (an older transaction
 * still open, the lock not granted in 5 s) is owed and retried by the job's timer.
 */
final class TableErasure {
    private static final Logger LOG = LoggerFactory.getLogger(TableErasure.class);
    /**
     * Sessions whose snapshot or transaction is as old as the erasure: VACUUM would have to keep
     * the rows for them. Asked through V19's function: this role may not read other sessions' rows
     * of pg_stat_activity itself (it would see nulls, and never wait).
     */
    /**
     * One table of a job: its name, the alias its condition uses, the condition (one {@code ?}:
     * the cut-off) and whether it holds personal data (then VACUUM FULL).
     */
    record Target(String table, String alias, String condition, boolean personal) {
        /** The deletion of one chunk: the rows are picked by ctid and the condition is checked again on each. */
        String deleteChunk() {
            return "DELETE FROM " + table + " " + alias + " WHERE " + alias + ".ctid = ANY (ARRAY(SELECT " + alias
                    + ".ctid FROM " + table + " " + alias + " WHERE " + condition + " LIMIT ?)) AND " + condition;
        }
    }

    private TableErasure() {
    }

    /** What a deletion did: rows erased and the last erasing transaction (null: none). */
    record Deleted(long rows, String lastXid) {
    }

    /** Deletes the target's rows older than {@code cutoff}, {@code batch} per transaction. */
    static Deleted delete(Connection c, Target t, Instant cutoff, int batch) throws SQLException {
        long total = 0;
        String xid = null;
        Timestamp at = Timestamp.from(cutoff);
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(t.deleteChunk())) {
            while (true) {
                ps.setTimestamp(1, at);
                ps.setInt(2, batch);
                ps.setTimestamp(3, at);
                int n = ps.executeUpdate();
                if (n > 0) {
                    xid = OlderSnapshots.currentXid(c);
                }
                c.commit();
                total += n;
                if (n < batch) {
                    break;
                }
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        return new Deleted(total, xid);
    }

    /** Rows of {@code table} matching {@code condition} (one {@code ?}: the cut-off). */
    static long count(Connection c, String from, String condition, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + from + " WHERE " + condition)) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * VACUUMs {@code table} (FULL when {@code personal}) once no session older than the erasure
     * is left, waiting at most {@code wait}; true when done and nothing older was still open.
     */
    static boolean vacuum(Connection c, String table, boolean personal, Duration wait) {
        try {
            c.setAutoCommit(true);
            boolean clear = OlderSnapshots.awaitGone(c, OlderSnapshots.currentXid(c), wait);
            try (Statement s = c.createStatement()) {
                // FULL takes the table's exclusive lock: better owe it than queue behind a long reader
                s.execute("SET lock_timeout = '5s'");
                try {
                    s.execute("VACUUM (" + (personal ? "FULL, " : "") + "ANALYZE) " + table);
                } finally {
                    s.execute("RESET lock_timeout");
                }
            }
            if (!clear) {
                LOG.warn("retention: a transaction older than the erasure in {} is still open; its vacuum is repeated", table);
            }
            return clear;
        } catch (SQLException e) {
            LOG.warn("retention: vacuum of {} not possible now, repeated by the job's timer (SQLState {})", table,
                    e.getSQLState());
            return false;
        }
    }

}

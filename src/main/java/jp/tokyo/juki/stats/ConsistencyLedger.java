package jp.tokyo.juki.stats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;
import jp.tokyo.juki.consistency.CheckLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each consistency check's result in {@code stats.consistency_check} (R-CONS: the last check of
 * each municipality and its result are kept, overdue ones reported by {@link Statistics}). Counts
 * only; a failure is logged and the check goes on — its result was sent to the CS all the same.
 */
public final class ConsistencyLedger implements CheckLog {
    private static final Logger LOG = LoggerFactory.getLogger(ConsistencyLedger.class);
    private final DataSource db;

    /** @param db the {@code juki_stats} pool */
    public ConsistencyLedger(DataSource db) {
        this.db = db;
    }

    @Override
    public void checked(Checked c) {
        try (Connection con = db.getConnection();
             PreparedStatement ps = con.prepareStatement("INSERT INTO stats.consistency_check (municipality, store, "
                     + "checked_at, records, matched, differing, missing_in_store, missing_at_cs) VALUES (?,?,?,?,?,?,?,?)")) {
            ps.setString(1, c.municipality());
            ps.setString(2, c.store());
            ps.setTimestamp(3, Timestamp.from(c.at()));
            ps.setLong(4, c.records());
            ps.setLong(5, c.matched());
            ps.setLong(6, c.differing());
            ps.setLong(7, c.missingInStore());
            ps.setLong(8, c.missingAtCs());
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("consistency check of {} ({}): result not kept for the statistics (SQLState {})", c.municipality(),
                    c.store(), e.getSQLState());
        }
    }
}

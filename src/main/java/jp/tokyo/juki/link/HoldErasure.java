package jp.tokyo.juki.link;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import jp.tokyo.juki.platform.OlderSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The erasure of held My Numbers for {@link MyNumberLink}: a DELETE of the rows, then a
 * {@code VACUUM (FULL)} of {@code link.my_number_hold} once no older snapshot can still see them,
 * so the numbers are gone from the table's files, not only from its visible rows. A VACUUM that
 * could not finish (an older transaction still open, a lock not granted) is pending until the
 * next purge or the link's close. Logs under {@link MyNumberLink}'s name.
 */
final class HoldErasure {
    private static final Logger LOG = LoggerFactory.getLogger(MyNumberLink.class);
    /**
     * Sessions whose transaction or snapshot is as old as the erasing transaction: while one
     * remains, VACUUM must keep the erased row versions (they are still visible to it).
     */
    private final DataSource dataSource;
    private final Duration snapshotWait;
    /** true from start: a crash between an erasure's DELETE and its VACUUM leaves row versions behind */
    private final AtomicBoolean vacuumPending = new AtomicBoolean(true);
    private final Object vacuumLock = new Object();

    HoldErasure(DataSource dataSource, Duration snapshotWait) {
        this.dataSource = dataSource;
        this.snapshotWait = snapshotWait;
    }

    /** One number erased: its delivery, person, business and requester (for the audit record). */
    record Erased(String deliveryId, String juminhyoCode, String business, String requester) {
    }

    /** Deletes the held rows {@code where} (a condition on {@code link.my_number_hold}), then vacuums. */
    List<Erased> erase(String where, Object... params) {
        List<Erased> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            String xid = null;
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM link.my_number_hold WHERE " + where
                        + " RETURNING delivery_id, juminhyo_code, business, requester")) {
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Erased(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                        }
                    }
                }
                if (!rows.isEmpty()) {
                    xid = OlderSnapshots.currentXid(c);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            if (xid != null) {
                vacuumPending.set(true);
                vacuum(c, xid);
            }
        } catch (SQLException e) {
            throw new LinkUnavailableException("erase", e);
        }
        return rows;
    }

    /** A VACUUM that covers every erasure committed so far. */
    void vacuumNow() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            vacuum(c, OlderSnapshots.currentXid(c));
        } catch (SQLException e) {
            LOG.warn("my-number hold: vacuum not possible now, retried on the next purge (SQLState {})", e.getSQLState());
        }
    }

    /**
     * Removes the row versions erased up to transaction {@code xid} from the table's files:
     * waits (at most {@code snapshotWait}) until no session can still see them — VACUUM keeps
     * whatever an open snapshot may read — then rewrites the table with VACUUM (FULL), which,
     * unlike a plain VACUUM, leaves no bytes of dead rows in the free space of its pages. What
     * could not be removed is retried on the next purge.
     */
    private void vacuum(Connection c, String xid) {
        synchronized (vacuumLock) {
            try {
                boolean clear = OlderSnapshots.awaitGone(c, xid, snapshotWait);
                try (Statement s = c.createStatement()) {
                    // the rewrite takes the table's exclusive lock; better retry later than wait behind a long reader
                    s.execute("SET lock_timeout = '5s'");
                    try {
                        s.execute("VACUUM (FULL) link.my_number_hold");
                    } finally {
                        s.execute("RESET lock_timeout");
                    }
                }
                vacuumPending.set(!clear);
                if (!clear) {
                    LOG.warn("my-number hold: a transaction older than the erasure is still open; vacuum repeated on the next purge");
                }
            } catch (SQLException e) {
                vacuumPending.set(true);
                LOG.warn("my-number hold: vacuum after erasure failed, retried on the next purge (SQLState {})",
                        e.getSQLState());
            }
        }
    }

    /** The VACUUM an erasure left pending, if any (a purge that erased nothing; the link's close). */
    void vacuumIfPending() {
        if (vacuumPending.get()) {
            vacuumNow();
        }
    }
}

package jp.tokyo.juki.stats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily counts the reports read ({@code stats.daily_update}, {@code daily_provision},
 * {@code daily_audit}), kept up by a timer (routes/statistics.camel.yaml) from the rows the stores,
 * the agency flow and the audit write anyway: nothing is added to the update transaction.
 *
 * <p>Each source is read by its sequence number (a store's {@code update_seq}, the provision's and
 * the audit record's id). A run reads the sequence's last value as a <em>mark</em>, and counts the
 * rows numbered up to the newest earlier mark that has settled — {@code juki.stats.settle-ms} old,
 * and no transaction older than the marking run's xid still running — so a transaction that took its
 * number before the mark and committed after it is still counted, exactly once (a transaction that
 * took a number before it had an xid is covered by the settle time; docs/operations/statistics.md).
 * The source's row is locked for the run: several gateway nodes may run the timer, one at a time counts.
 */
public final class Rollup {
    private static final Logger LOG = LoggerFactory.getLogger(Rollup.class);

    /** One source: its name in {@code stats.rollup_source}, its sequence, and the count of the rows in (from, to]. */
    record Source(String name, String sequence, String count, int ranges) {
    }

    static final String DAY = "((%s) AT TIME ZONE 'Asia/Tokyo')::date";
    private static final String VERSIONS = """
            INSERT INTO stats.daily_update (day, store, municipality, reason, n)
            SELECT %s, '%s', municipality, reason, count(*) FROM (
                SELECT updated_at, %s AS municipality, reason FROM %s WHERE update_seq > ? AND update_seq <= ?
                UNION ALL
                SELECT updated_at, %s, reason FROM %s_history
                 WHERE superseded_by_seq > ? AND update_seq > ? AND update_seq <= ?) v
            GROUP BY 1, 3, 4
            ON CONFLICT (day, store, municipality, reason) DO UPDATE SET n = stats.daily_update.n + EXCLUDED.n""";
    static final List<Source> SOURCES = List.of(
            new Source("HONNIN", "honnin.update_seq", VERSIONS.formatted(DAY.formatted("updated_at"), "HONNIN",
                    "municipality_code", "honnin.resident", "municipality_code", "honnin.resident"), 5),
            new Source("FUHYO", "fuhyo.update_seq", VERSIONS.formatted(DAY.formatted("updated_at"), "FUHYO",
                    "managing_municipality_code", "fuhyo.person", "managing_municipality_code", "fuhyo.person"), 5),
            new Source("PROVISION", "agency.provision_id_seq", """
                    INSERT INTO stats.daily_provision (day, agency, kind, business, outcome, n)
                    SELECT %s, agency, kind, coalesce(business, ''), outcome, count(*)
                      FROM agency.provision WHERE id > ? AND id <= ?
                     GROUP BY 1, 2, 3, 4, 5
                    ON CONFLICT (day, agency, kind, business, outcome) DO UPDATE SET n = stats.daily_provision.n + EXCLUDED.n"""
                    .formatted(DAY.formatted("at")), 2),
            new Source("AUDIT", "audit.record_id_seq", """
                    INSERT INTO stats.daily_audit (day, msg_type, status, operator_id, n)
                    SELECT %s,
                           CASE WHEN msg_type <> 'DEAD_LETTER' THEN msg_type
                                WHEN msg_id LIKE 'FN-%%' THEN 'FUHYO_NOTICE' ELSE 'HONNIN_NOTICE' END,
                           coalesce(status, ''), coalesce(operator_id, ''), count(*)
                      FROM audit.record
                     WHERE id > ? AND id <= ?
                       AND ((line = 'national' AND msg_type IN ('HONNIN_NOTICE', 'FUHYO_NOTICE', 'DEAD_LETTER'))
                            OR msg_type = 'PERSON_SEARCH')
                     GROUP BY 1, 2, 3, 4
                    ON CONFLICT (day, msg_type, status, operator_id) DO UPDATE SET n = stats.daily_audit.n + EXCLUDED.n"""
                    .formatted(DAY.formatted("at")), 2));

    private final DataSource db;
    private final Duration settle;

    /** @param db the {@code juki_stats} pool */
    public Rollup(DataSource db, Duration settle) {
        this.db = db;
        this.settle = settle;
    }

    /** The timer's step: each source in its own transaction; a source that fails is tried again next time. */
    public void run() {
        for (Source s : SOURCES) {
            try {
                long n = roll(s);
                if (n > 0) {
                    LOG.debug("statistics: {} rows of {} counted", n, s.name());
                }
            } catch (SQLException e) {
                LOG.warn("statistics: rollup of {} failed (SQLState {}); tried again at the next run", s.name(),
                        e.getSQLState());
            }
        }
    }

    /** Counts the rows of {@code s} up to its newest settled mark and leaves a new mark; the rows' sequence span counted. */
    long roll(Source s) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                long counted = roll(c, s);
                c.commit();
                return counted;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private long roll(Connection c, Source s) throws SQLException {
        // the mark: the last number given, read before this transaction takes its xid (at the lock below), so
        // every transaction that had an xid when it took a number up to here has a smaller xid than ours
        long numbered;
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
                + "FROM " + s.sequence());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            numbered = rs.getLong(1);
        }
        long last;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT last_seq FROM stats.rollup_source WHERE source = ? FOR UPDATE")) {
            ps.setString(1, s.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("stats.rollup_source has no row " + s.name(), "02000");
                }
                last = rs.getLong(1);
            }
        }
        long upTo = last;
        Instant countedTo = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, marked_at FROM stats.rollup_mark WHERE source = ? "
                + "AND marked_at <= now() - ? * interval '1 millisecond' AND running_to <= pg_snapshot_xmin(pg_current_snapshot()) "
                + "ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, s.name());
            ps.setLong(2, settle.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    upTo = Math.max(last, rs.getLong(1));
                    countedTo = rs.getTimestamp(2).toInstant();
                }
            }
        }
        if (upTo > last) {
            try (PreparedStatement ps = c.prepareStatement(s.count())) {
                long[] bounds = s.ranges() == 5
                        // the current rows numbered in (last, upTo]; the superseded ones, found among the history
                        // rows written since (superseded_by_seq > last)
                        ? new long[]{last, upTo, last, last, upTo}
                        : new long[]{last, upTo};
                for (int i = 0; i < bounds.length; i++) {
                    ps.setLong(i + 1, bounds[i]);
                }
                ps.executeUpdate();
            }
        }
        if (countedTo != null) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE stats.rollup_source SET last_seq = ?, rolled_at = ? WHERE source = ?")) {
                ps.setLong(1, upTo);
                // nothing numbered since the mark counted up to: every row committed so far is counted
                ps.setTimestamp(2, Timestamp.from(upTo >= numbered ? Instant.now() : countedTo));
                ps.setString(3, s.name());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM stats.rollup_mark WHERE source = ? AND seq <= ? "
                    + "AND marked_at <= ?")) {
                ps.setString(1, s.name());
                ps.setLong(2, upTo);
                ps.setTimestamp(3, Timestamp.from(countedTo));
                ps.executeUpdate();
            }
        }
        // the new mark: the number read first, and this transaction's xid — settled once no older xid runs
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stats.rollup_mark (source, seq, marked_at, running_to) "
                + "VALUES (?, ?, clock_timestamp(), pg_current_xact_id()) ON CONFLICT DO NOTHING")) {
            ps.setString(1, s.name());
            ps.setLong(2, numbered);
            ps.executeUpdate();
        }
        return upTo - last;
    }
}

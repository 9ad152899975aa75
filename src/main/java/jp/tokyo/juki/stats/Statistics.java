package jp.tokyo.juki.stats;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.Identities;

/**
 * Statistics (統計, R-STAT) for auditors and managers: the report of a day, a month or a fiscal year —
 * updates per municipality × 異動事由, provisions per agency × business × outcome, notices per
 * national line, searches per operator (R-AUD-ANALYSIS), and each municipality's last consistency
 * check with overdue ones flagged (R-CONS). Read from the daily counts {@link Rollup} keeps, so a
 * fiscal year costs a few thousand rows whatever the volume. Each report is audited ({@code STATISTICS},
 * operator, terminal, period) before it is made.
 */
public final class Statistics {
    /** The stores a consistency check is made of. */
    static final List<String> STORES = List.of("HONNIN", "FUHYO");

    private final DataSource db;
    private final Municipalities tokyo;
    private final StatisticsSettings settings;
    private final Clock clock;

    /** @param db the {@code juki_stats} pool */
    public Statistics(DataSource db, Municipalities tokyo, StatisticsSettings settings, Clock clock) {
        this.db = db;
        this.tokyo = tokyo;
        this.settings = settings;
        this.clock = clock;
    }

    /** The report could not be audited: it is not made. */
    public static final class NotAudited extends Exception {
        NotAudited(String sqlState) {
            super("the audit record could not be written (SQLSTATE " + sqlState + ")", null, false, false);
        }
    }

    /**
     * The report of {@code period} for an operator of the operator port, audited first
     * ({@code STATISTICS}: operator, terminal, reason, the period and the form it is made in).
     *
     * @param form {@code json}, {@code csv}, {@code png} or {@code page}: recorded, not interpreted
     */
    public Report reportFor(String operator, String terminal, String reason, Period period, String form)
            throws NotAudited, SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            AuditWriter.insert(c, List.of(AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR,
                    Identities.operator(operator), GatewayEvent.STATISTICS).operator(operator).terminal(terminal)
                    .reason(reason).status(AuditStatus.ANSWERED).detail(period + " " + form))));
        } catch (SQLException e) {
            throw new NotAudited(e.getSQLState());
        }
        return report(period);
    }

    /** The report of {@code period}, unaudited (the benchmark's warm-up, tests). */
    public Report report(Period period) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                // one snapshot: the sections agree with each other
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                Report r = new Report(period, clock.instant(), countedTo(c), updates(c, period), provisions(c, period),
                        national(c, period), searches(c, period), checks(c), timeline(c, period),
                        (int) settings.consistencyDue().toDays());
                c.commit();
                return r;
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(true);
            }
        }
    }

    private static PreparedStatement between(Connection c, String sql, Period p) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setDate(1, Date.valueOf(p.from()));
        ps.setDate(2, Date.valueOf(p.to()));
        return ps;
    }

    private static Instant countedTo(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min(rolled_at) FROM stats.rollup_source");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        }
    }

    private List<Report.Update> updates(Connection c, Period p) throws SQLException {
        List<Report.Update> rows = new ArrayList<>();
        try (PreparedStatement ps = between(c, "SELECT municipality, store, reason, sum(n) FROM stats.daily_update "
                + "WHERE day >= ? AND day < ? GROUP BY 1, 2, 3 ORDER BY 1, 2 DESC, 3", p);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Report.Update(rs.getString(1), nameOf(rs.getString(1)), rs.getString(2), rs.getString(3),
                        rs.getLong(4)));
            }
        }
        return rows;
    }

    private static List<Report.Provision> provisions(Connection c, Period p) throws SQLException {
        List<Report.Provision> rows = new ArrayList<>();
        try (PreparedStatement ps = between(c, "SELECT agency, kind, business, outcome, sum(n) FROM stats.daily_provision "
                + "WHERE day >= ? AND day < ? GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4", p);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Report.Provision(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5)));
            }
        }
        return rows;
    }

    private static List<Report.National> national(Connection c, Period p) throws SQLException {
        Map<String, long[]> lines = new LinkedHashMap<>();
        lines.put("HONNIN", new long[5]);
        lines.put("FUHYO", new long[5]);
        List<String> statuses = List.of("ACK", "DUPLICATE", "NACK", "NO_REPLY", "DEAD_LETTER");
        try (PreparedStatement ps = between(c, "SELECT msg_type, status, sum(n) FROM stats.daily_audit "
                + "WHERE day >= ? AND day < ? AND msg_type IN ('HONNIN_NOTICE', 'FUHYO_NOTICE') GROUP BY 1, 2", p);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int i = statuses.indexOf(rs.getString(2));
                if (i >= 0) {
                    lines.get(rs.getString(1).startsWith("FUHYO") ? "FUHYO" : "HONNIN")[i] += rs.getLong(3);
                }
            }
        }
        List<Report.National> rows = new ArrayList<>();
        lines.forEach((line, n) -> rows.add(new Report.National(line, n[0], n[1], n[2], n[3], n[4])));
        return rows;
    }

    private static List<Report.Searches> searches(Connection c, Period p) throws SQLException {
        List<Report.Searches> rows = new ArrayList<>();
        try (PreparedStatement ps = between(c, "SELECT operator_id, sum(n) FROM stats.daily_audit "
                + "WHERE day >= ? AND day < ? AND msg_type = 'PERSON_SEARCH' GROUP BY 1 ORDER BY 1", p);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Report.Searches(rs.getString(1), rs.getLong(2)));
            }
        }
        return rows;
    }

    /** Every municipality with a CS × store, its last check or none; as of now, not of the period. */
    private List<Report.Check> checks(Connection c) throws SQLException {
        Map<String, Report.Check> last = new LinkedHashMap<>();
        Instant due = clock.instant().minus(settings.consistencyDue());
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (municipality, store) municipality, store, "
                + "checked_at, records, matched, differing, missing_in_store, missing_at_cs FROM stats.consistency_check "
                + "ORDER BY municipality, store, checked_at DESC");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant at = rs.getTimestamp(3).toInstant();
                last.put(rs.getString(1) + "/" + rs.getString(2), new Report.Check(rs.getString(1), nameOf(rs.getString(1)),
                        rs.getString(2), at, rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                        at.isBefore(due)));
            }
        }
        List<Report.Check> rows = new ArrayList<>();
        for (String m : tokyo.municipalityCodes()) {
            for (String store : STORES) {
                Report.Check k = last.remove(m + "/" + store);
                rows.add(k != null ? k : new Report.Check(m, nameOf(m), store, null, null, null, null, null, null, true));
            }
        }
        rows.addAll(last.values()); // a code no longer listed keeps its row
        return rows;
    }

    private String nameOf(String municipality) {
        String name = tokyo.name(municipality);
        return name == null ? "" : name;
    }

    /** The chart's bars: the months of a fiscal year, the days of a month, the municipalities of a day. */
    private List<Report.Bar> timeline(Connection c, Period p) throws SQLException {
        if (p.kind() == Period.Kind.DAY) {
            Map<String, Long> perMunicipality = new LinkedHashMap<>();
            for (Report.Update u : updates(c, p)) {
                String label = u.municipalityName().isEmpty() ? u.municipality() : u.municipalityName();
                perMunicipality.merge(label, u.count(), Long::sum);
            }
            List<Report.Bar> bars = new ArrayList<>();
            perMunicipality.forEach((label, n) -> bars.add(new Report.Bar(label, n, 0)));
            return bars;
        }
        boolean months = p.kind() == Period.Kind.FISCAL_YEAR;
        String bucket = months ? "date_trunc('month', day)::date" : "day";
        Map<LocalDate, long[]> bars = new LinkedHashMap<>();
        for (LocalDate d = p.from(); d.isBefore(p.to()); d = months ? d.plusMonths(1) : d.plusDays(1)) {
            bars.put(d, new long[2]);
        }
        String[] tables = {"stats.daily_update", "stats.daily_provision"};
        for (int i = 0; i < tables.length; i++) {
            try (PreparedStatement ps = between(c, "SELECT " + bucket + ", sum(n) FROM " + tables[i]
                    + " WHERE day >= ? AND day < ? GROUP BY 1", p);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] bar = bars.get(rs.getDate(1).toLocalDate());
                    if (bar != null) {
                        bar[i] += rs.getLong(2);
                    }
                }
            }
        }
        List<Report.Bar> out = new ArrayList<>();
        bars.forEach((d, n) -> out.add(new Report.Bar(months ? d.getMonthValue() + "月" : Integer.toString(d.getDayOfMonth()),
                n[0], n[1])));
        return out;
    }
}

package jp.tokyo.juki.search;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * The auditor's 検索件数 report (R-AUD-ANALYSIS): for the days {@code from}…{@code to} (JST), the
 * searches per operator and day — answered ones, the ones outside working hours
 * ({@link WorkingHours}) and the refused ones — and each search outside working hours with its
 * time, terminal and stated purpose, read from the audit's {@code PERSON_SEARCH} records (the
 * partial index of V16). The report is recorded itself ({@code SEARCH_REPORT}).
 */
public final class SearchReport {
    /** The longest period one report covers. */
    public static final int MAX_DAYS = 366;
    /** The most searches outside working hours listed one by one (all are counted). */
    public static final int MAX_LISTED = 1000;

    private final DataSource audit;
    private final WorkingHours hours;

    /** One operator's searches on one day. */
    public record Day(String operator, LocalDate date, long searches, long outsideHours, long refused) {
    }

    /** One search outside working hours. */
    public record Outside(Instant at, String operator, String terminal, String purpose, String status) {
    }

    /** The report: the period, the working hours it was judged by, the rows per operator and day, and the searches outside hours. */
    public record Report(LocalDate from, LocalDate to, WorkingHours hours, List<Day> days, List<Outside> outside,
                         long outsideTotal) {
    }

    /** @param audit connections that read the audit record and append to its chain */
    public SearchReport(DataSource audit, WorkingHours hours) {
        this.audit = audit;
        this.hours = hours;
    }

    /**
     * The report of the days {@code from} to {@code to} (ISO dates, JST; {@code to} null: {@code from}).
     *
     * @throws SearchRefused {@code K400} (the period; recorded) or {@code A503}
     */
    public Report report(Actor who, String from, String to) throws SearchRefused, SQLException {
        LocalDate first;
        LocalDate last;
        try {
            first = LocalDate.parse(from == null ? "" : from.strip());
            last = to == null || to.isBlank() ? first : LocalDate.parse(to.strip());
        } catch (DateTimeParseException e) {
            throw refused(who, "from/to: ISO dates (2026-12-01)");
        }
        if (last.isBefore(first) || ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw refused(who, "from/to: a period of 1 to " + MAX_DAYS + " days, from before to");
        }
        Map<String, long[]> counts = new TreeMap<>();
        List<Outside> outside = new ArrayList<>();
        long outsideTotal = 0;
        try (Connection c = audit.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT at, operator_id, terminal_id, reason, status FROM audit.record "
                    + "WHERE msg_type = 'PERSON_SEARCH' AND at >= ? AND at < ? ORDER BY at")) {
                ps.setTimestamp(1, Timestamp.from(first.atStartOfDay(WorkingHours.JST).toInstant()));
                ps.setTimestamp(2, Timestamp.from(last.plusDays(1).atStartOfDay(WorkingHours.JST).toInstant()));
                ps.setFetchSize(1000);
                c.setAutoCommit(false);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant at = rs.getTimestamp(1).toInstant();
                        String operator = rs.getString(2) == null ? "" : rs.getString(2);
                        boolean refused = AuditStatus.REFUSED.name().equals(rs.getString(5));
                        boolean late = !refused && hours.outside(at);
                        long[] n = counts.computeIfAbsent(operator + '\n' + at.atZone(WorkingHours.JST).toLocalDate(),
                                k -> new long[3]);
                        n[refused ? 2 : 0]++;
                        if (late) {
                            n[1]++;
                            outsideTotal++;
                            if (outside.size() < MAX_LISTED) {
                                outside.add(new Outside(at, operator, rs.getString(3), rs.getString(4), rs.getString(5)));
                            }
                        }
                    }
                }
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
            List<Day> days = new ArrayList<>();
            counts.forEach((k, n) -> {
                int cut = k.indexOf('\n');
                days.add(new Day(k.substring(0, cut), LocalDate.parse(k.substring(cut + 1)), n[0], n[1], n[2]));
            });
            record(c, who, AuditStatus.ANSWERED, null, "period " + first + " to " + last + "; working hours " + hours + " JST; "
                    + days.size() + " operator-days, " + outsideTotal + " searches outside working hours");
            return new Report(first, last, hours, days, outside, outsideTotal);
        }
    }

    private SearchRefused refused(Actor who, String why) throws SearchRefused, SQLException {
        try (Connection c = audit.getConnection()) {
            record(c, who, AuditStatus.REFUSED, SearchRefused.INVALID, why);
        }
        return new SearchRefused(SearchRefused.INVALID, why);
    }

    private static void record(Connection c, Actor who, AuditStatus status, String code, String detail) throws SearchRefused {
        try {
            c.setAutoCommit(true);
            AuditWriter.insert(c, List.of(AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR, who.peer(),
                    GatewayEvent.SEARCH_REPORT).status(status).code(code).detail(detail).operator(who.operatorId())
                    .terminal(who.terminal()))));
        } catch (SQLException e) {
            throw new SearchRefused(SearchRefused.NOT_AUDITED, "the report could not be audited; nothing is shown");
        }
    }
}

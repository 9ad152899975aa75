package jp.tokyo.juki.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention and erasure (SPEC R-RET): the four jobs of {@link RetentionJob}, each run by its
 * timer once a day ({@link #tick}) or by an administrator now with a reason ({@link #run}), on
 * the database role {@value #ROLE}. A run erases what is past its period by the job's clock
 * ({@link RetentionRules#cutoff}), in chunks, then VACUUMs what it erased from
 * ({@link TableErasure}); it is registered in {@code retention.run} and recorded in the audit as
 * one {@code RETENTION_ERASE} with the job, the cut-off and the counts — never a value. One run
 * of a job at a time, across nodes too (an advisory lock on the database).
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** The jobs' login role (V19). */
    public static final String ROLE = "juki_retention";
    /** A malformed request: an unknown job, a missing reason (named, never quoted). */
    public static final String INVALID = "R400";
    /** The job is running already, here or on another node. */
    public static final String BUSY = "R409";
    /** The run could not be done or audited (database unavailable): nothing more was done. */
    public static final String NOT_DONE = "R503";

    /** A request refused: a code and a reason (no personal data). */
    public static final class Refused extends Exception {
        private final String code;

        Refused(String code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** One run as registered: counts per table ({@code table=n,…}), rows kept by the retention flag, VACUUMs still owed. */
    public record Run(long id, RetentionJob job, String trigger, String operator, Instant startedAt, Instant finishedAt,
                      Instant cutoff, Map<String, Long> erased, long kept, String outcome, List<String> vacuumOwed) {
    }

    /** A job as the status shows it: switched on, period, today's cut-off, next scheduled run (null: off), last run. */
    public record JobStatus(RetentionJob job, boolean enabled, String period, Instant cutoff, Instant nextRun, Run lastRun) {
    }

    private final DataSource db;
    private final Clock clock;
    private final RetentionSettings settings;
    private final RetentionTargets targets;
    private final PersonHasher hasher;

    /**
     * @param db      the {@value #ROLE} pool
     * @param clock   the jobs' clock (cut-offs and schedule)
     * @param targets what each job erases
     */
    public Retention(DataSource db, Clock clock, RetentionSettings settings, RetentionTargets targets, PersonHasher hasher) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.targets = targets;
        this.hasher = hasher;
    }

    public RetentionSettings settings() {
        return settings;
    }

    /** Every job's status. */
    public List<JobStatus> status() throws SQLException {
        Instant now = clock.instant();
        List<JobStatus> out = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            for (RetentionJob job : RetentionJob.values()) {
                boolean on = settings.enabled().contains(job);
                Run scheduled = last(c, job, true);
                out.add(new JobStatus(job, on, settings.period(job), RetentionRules.cutoff(job, now, settings),
                        on ? RetentionRules.nextRun(now, scheduled == null ? null : scheduled.startedAt(), settings.at()) : null,
                        last(c, job, false)));
            }
        }
        return out;
    }

    /** Runs {@code jobName} now for an administrator, with a reason (recorded in the run's audit record). */
    public Run run(String jobName, Actor who, String reason) throws Refused {
        RetentionJob job = RetentionJob.of(jobName);
        if (job == null) {
            throw new Refused(INVALID, "job must be one of history, accepted-requests, provisions, audit-archives");
        }
        if (reason == null || reason.isBlank() || reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
            throw new Refused(INVALID, "the reason must be one line of 1-200 characters");
        }
        return execute(job, who, reason.strip());
    }

    /** The timer of {@code job}: its run when switched on and due, else any VACUUM an earlier run still owes. */
    public void tick(RetentionJob job) {
        try {
            if (settings.enabled().contains(job)) {
                boolean due;
                try (Connection c = db.getConnection()) {
                    due = due(c, job);
                }
                if (due) {
                    execute(job, null, null);
                    return;
                }
            }
            vacuumOwed(job);
        } catch (Refused r) {
            LOG.info("retention {}: scheduled run not started ({}: {})", job.id(), r.code(), r.getMessage());
        } catch (SQLException e) {
            LOG.warn("retention {}: database unavailable (SQLState {}); the timer tries again", job.id(), e.getSQLState());
        }
    }

    /** Runs {@code job} under its advisory lock; a scheduled run ({@code who} null) only if still due (else null). */
    private Run execute(RetentionJob job, Actor who, String reason) throws Refused {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            if (!lock(c, job, true)) {
                throw new Refused(BUSY, "the " + job.id() + " job is running already");
            }
            try {
                if (who == null && !due(c, job)) {
                    return null; // another node made today's scheduled run meanwhile
                }
                return erase(c, job, who, reason);
            } finally {
                lock(c, job, false);
            }
        } catch (SQLException e) {
            LOG.warn("retention {}: run not done (SQLState {})", job.id(), e.getSQLState());
            throw new Refused(NOT_DONE, "the run could not be done now (database unavailable); nothing more was done");
        }
    }

    private Run erase(Connection c, RetentionJob job, Actor who, String reason) throws SQLException, Refused {
        Instant started = clock.instant();
        Instant cutoff = RetentionRules.cutoff(job, started, settings);
        String trigger = who == null ? "SCHEDULED" : "OPERATOR";
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO retention.run (job, trigger, operator_id, terminal_id, "
                + "started_at, cutoff, outcome) VALUES (?,?,?,?,?,?,'RUNNING') RETURNING id")) {
            ps.setString(1, job.id());
            ps.setString(2, trigger);
            ps.setString(3, who == null ? null : who.operatorId());
            ps.setString(4, who == null ? null : who.terminal());
            ps.setTimestamp(5, Timestamp.from(started));
            ps.setTimestamp(6, Timestamp.from(cutoff));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        RetentionTargets.Erased erased;
        try {
            erased = targets.erase(c, job, cutoff, started);
        } catch (SQLException e) {
            finish(c, id, Map.of(), 0, "FAILED", List.of(), "SQLState " + e.getSQLState());
            audit(c, job, who, reason, AuditStatus.FAILED, "R503", job.id() + ": cut-off " + cutoff
                    + "; not done (SQLState " + e.getSQLState() + ")");
            throw new Refused(NOT_DONE, "the run could not be done now (database unavailable); nothing more was done");
        }
        List<String> owed = targets.vacuum(c, erased.vacuum());
        finish(c, id, erased.counts(), erased.kept(), "DONE", owed, null);
        String detail = job.id() + ": cut-off " + cutoff + " (" + settings.period(job) + "); erased " + describe(erased.counts())
                + (job == RetentionJob.HISTORY ? "; kept by retention flag " + erased.kept() : "")
                + (owed.isEmpty() ? "" : "; vacuum owed: " + String.join(", ", owed));
        audit(c, job, who, reason, AuditStatus.ERASED, "R000", detail);
        LOG.info("retention {}", detail);
        return new Run(id, job, trigger, who == null ? null : who.operatorId(), started, clock.instant(), cutoff,
                erased.counts(), erased.kept(), "DONE", owed);
    }

    /** The VACUUMs earlier runs of {@code job} could not do, tried again. */
    private void vacuumOwed(RetentionJob job) throws SQLException {
        try (Connection c = db.getConnection()) {
            List<Long> ids = new ArrayList<>();
            List<List<String>> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, vacuum_tables FROM retention.run WHERE job = ? AND vacuum_tables <> '{}'")) {
                ps.setString(1, job.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        tables.add(List.of((String[]) rs.getArray(2).getArray()));
                    }
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                List<String> owed = targets.vacuum(c, tables.get(i));
                try (PreparedStatement ps = c.prepareStatement("UPDATE retention.run SET vacuum_tables = ? WHERE id = ?")) {
                    ps.setArray(1, c.createArrayOf("text", owed.toArray()));
                    ps.setLong(2, ids.get(i));
                    ps.executeUpdate();
                }
            }
        }
    }

    private static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private void finish(Connection c, long id, Map<String, Long> counts, long kept, String outcome, List<String> owed,
                        String problem) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE retention.run SET finished_at = ?, counts = ?, kept = ?, "
                + "outcome = ?, vacuum_tables = ?, problem = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
            ps.setLong(3, kept);
            ps.setString(4, outcome);
            ps.setArray(5, c.createArrayOf("text", owed.toArray()));
            ps.setString(6, problem);
            ps.setLong(7, id);
            ps.executeUpdate();
        }
    }

    private void audit(Connection c, RetentionJob job, Actor who, String reason, AuditStatus status, String code,
                       String detail) throws Refused {
        try {
            AuditWriter.insert(c, List.of(AuditEvent.of(hasher, AuditEvent.in(AuditLine.OPERATOR,
                            who == null ? "retention:" + job.id() : who.peer(), GatewayEvent.RETENTION_ERASE)
                    .status(status).code(code).detail(detail).operator(who == null ? null : who.operatorId())
                    .terminal(who == null ? null : who.terminal()).reason(who == null ? "scheduled" : reason))));
        } catch (SQLException e) {
            LOG.warn("retention {}: audit record not written (SQLState {})", job.id(), e.getSQLState());
            throw new Refused(NOT_DONE, "the run was done (see the status) but its audit record could not be written");
        }
    }

    /** Whether {@code job}'s scheduled run is due by the clock. */
    private boolean due(Connection c, RetentionJob job) throws SQLException {
        Run scheduled = last(c, job, true);
        return RetentionRules.due(clock.instant(), scheduled == null ? null : scheduled.startedAt(), settings.at());
    }

    /** The last run of {@code job} (only scheduled ones with {@code scheduled}), or null. */
    private static Run last(Connection c, RetentionJob job, boolean scheduled) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, trigger, operator_id, started_at, finished_at, cutoff, "
                + "counts, kept, outcome, vacuum_tables FROM retention.run WHERE job = ?"
                + (scheduled ? " AND trigger = 'SCHEDULED'" : "") + " ORDER BY started_at DESC, id DESC LIMIT 1")) {
            ps.setString(1, job.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Timestamp finished = rs.getTimestamp(5);
                return new Run(rs.getLong(1), job, rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        finished == null ? null : finished.toInstant(), rs.getTimestamp(6).toInstant(),
                        counts(rs.getString(7)), rs.getLong(8), rs.getString(9), List.of((String[]) rs.getArray(10).getArray()));
            }
        }
    }

    private static Map<String, Long> counts(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
            }
        }
        return m;
    }

    /** Takes ({@code take}) or gives back the job's advisory lock; true when taken. */
    private static boolean lock(Connection c, RetentionJob job, boolean take) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(take ? "SELECT pg_try_advisory_lock(hashtext(?))"
                : "SELECT pg_advisory_unlock(hashtext(?))")) {
            ps.setString(1, "juki-retention:" + job.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}

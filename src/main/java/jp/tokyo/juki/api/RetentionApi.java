package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.retention.Retention;
import org.apache.camel.Exchange;

/**
 * Retention and erasure on the operator API ({@code routes/operator-retention.camel.yaml}; an
 * administrator's, permission {@code RETENTION}): {@code POST /api/retention/status} answers each
 * job's period, switch, today's cut-off, next scheduled run and last run with its counts;
 * {@code POST /api/retention/run} runs one job now ({@code {"job", "reason"}}), as the session's
 * operator at its terminal. Refusals: {@code R400} (a field), {@code R409} (running already),
 * {@code R503} (not done or not audited). Counts only, never a value.
 */
public final class RetentionApi {
    private final Retention retention;

    public RetentionApi(Retention retention) {
        this.retention = retention;
    }

    /** {@code {}} → {@code {"jobs": [{job, enabled, period, cutoff, nextRun, lastRun}…]}}. */
    public void status(Exchange e) throws SQLException {
        ApiReply.ok(e, Map.of("jobs", jobs(retention)));
    }

    /** {@code {"job": …, "reason": …}} → the run: cut-off, counts per table, kept, VACUUMs owed. */
    public void run(Exchange e) {
        JsonNode body = e.getProperty(ApiGate.BODY, JsonNode.class);
        try {
            ApiReply.ok(e, run(retention.run(ApiReply.text(body, "job"), DeadLettersApi.actor(e), ApiReply.text(body, "reason"))));
        } catch (Retention.Refused r) {
            ApiReply.refuse(e, status(r.code()), r.code(), r.getMessage());
        }
    }

    /** Every job's status as the API answers it (times as ISO text); the console shows the same. */
    public static List<Map<String, Object>> jobs(Retention retention) throws SQLException {
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (Retention.JobStatus s : retention.status()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", s.job().id());
            m.put("enabled", s.enabled());
            m.put("period", s.period());
            m.put("cutoff", iso(s.cutoff()));
            m.put("nextRun", iso(s.nextRun()));
            m.put("lastRun", s.lastRun() == null ? null : run(s.lastRun()));
            jobs.add(m);
        }
        return jobs;
    }

    static Map<String, Object> run(Retention.Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("job", r.job().id());
        m.put("trigger", r.trigger());
        m.put("operator", r.operator());
        m.put("startedAt", iso(r.startedAt()));
        m.put("finishedAt", iso(r.finishedAt()));
        m.put("cutoff", iso(r.cutoff()));
        m.put("erased", r.erased());
        m.put("kept", r.kept());
        m.put("outcome", r.outcome());
        m.put("vacuumOwed", r.vacuumOwed());
        return m;
    }

    /** The HTTP status of a refusal code. */
    public static int status(String code) {
        return switch (code) {
            case Retention.INVALID -> 400;
            case Retention.BUSY -> 409;
            default -> 503;
        };
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}

package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import jp.tokyo.juki.agency.Approvals;
import jp.tokyo.juki.operator.Authenticated;
import org.apache.camel.Exchange;

/**
 * A manager's approvals of bulk agency requests on the operator API (R-SEC-AUTHZ): the requests
 * that wait ({@code POST /api/approvals/list}) and the decision on one ({@code /api/approvals/approve}
 * {@code {"id", "reason"?}}, {@code /api/approvals/reject} {@code {"id", "reason"}}). The deciding
 * operator is the session's, never a name in the body; {@link Approvals} records the decision and
 * its audit record (operator, terminal, reason) in one transaction, and audits its refusals
 * ({@code A290}, answered 409). The console's approval pages take the same two methods,
 * {@link #waiting()} and {@link #decide}.
 */
public final class ApprovalsApi {
    private final DataSource db;

    /** @param db connections that may read and decide {@code agency.request} and append to the audit chain */
    public ApprovalsApi(DataSource db) {
        this.db = db;
    }

    /** A decision taken: the request as decided, and by whom. */
    public record Decided(Approvals.Pending request, boolean approved, String operator) {
    }

    /** The id was not one as listed ({@code AR-12} or {@code 12}). */
    public static final class BadId extends Exception {
        BadId() {
            super("id must be a request id as listed, e.g. AR-12", null, false, false);
        }
    }

    /** The requests waiting for a decision, oldest first. */
    public List<Approvals.Pending> waiting() throws SQLException {
        try (Connection c = db.getConnection()) {
            return Approvals.waiting(c);
        }
    }

    /** Approves or rejects the request {@code id} ({@code AR-12} or {@code 12}) as the session's operator. */
    public Decided decide(Authenticated session, String id, boolean approve, String reason)
            throws BadId, Approvals.Refused, SQLException {
        long number = number(id);
        try (Connection c = db.getConnection()) {
            Approvals.Pending p = Approvals.decide(c, number, session.operatorId(), session.terminal(), approve,
                    reason == null || reason.isBlank() ? null : reason.strip());
            return new Decided(p, approve, session.operatorId());
        }
    }

    /** {@code POST /api/approvals/list}: {@code {"waiting": [{"id": "AR-12", "agency", "rows", "receivedAt", "file"}…]}}. */
    public void list(Exchange e) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Approvals.Pending p : waiting()) {
            rows.add(describe(p));
        }
        ApiReply.ok(e, Map.of("waiting", rows));
    }

    /** {@code POST /api/approvals/approve} {@code {"id", "reason"?}}. */
    public void approve(Exchange e) throws SQLException {
        decide(e, true);
    }

    /** {@code POST /api/approvals/reject} {@code {"id", "reason"}}: the agency is told the reason. */
    public void reject(Exchange e) throws SQLException {
        decide(e, false);
    }

    private void decide(Exchange e, boolean approve) throws SQLException {
        JsonNode body = e.getProperty(ApiGate.BODY, JsonNode.class);
        Authenticated session = e.getProperty(ApiGate.SESSION, Authenticated.class);
        try {
            Decided d = decide(session, ApiReply.text(body, "id"), approve, ApiReply.text(body, "reason"));
            Map<String, Object> answer = describe(d.request());
            answer.put("decision", approve ? "approved" : "rejected");
            answer.put("by", d.operator());
            ApiReply.ok(e, answer);
        } catch (BadId ex) {
            ApiReply.refuse(e, 400, "A400", ex.getMessage());
        } catch (Approvals.Refused ex) {
            ApiReply.refuse(e, 409, "A290", ex.getMessage());
        }
    }

    private static Map<String, Object> describe(Approvals.Pending p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "AR-" + p.id());
        m.put("agency", p.agency());
        m.put("rows", p.rows());
        m.put("receivedAt", p.receivedAt().toString());
        m.put("file", p.fileName());
        return m;
    }

    private static long number(String id) throws BadId {
        String digits = id == null ? "" : id.startsWith("AR-") ? id.substring(3) : id;
        if (!digits.matches("\\d{1,18}")) {
            throw new BadId();
        }
        return Long.parseLong(digits);
    }
}

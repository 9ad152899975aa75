package jp.tokyo.juki.agency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * A manager's approval of bulk output (R-SEC-AUTHZ: 大量のデータ出力に際しては、事前に管理責任者の承認):
 * the requests that wait, and the decision on one — recorded together with its audit record in
 * one transaction, so no decision exists unaudited. An approved request is answered at its
 * agency's next poll; a rejected one gets an {@code .err.p7m} ({@code A140}) with the reason.
 */
public final class Approvals {
    private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    /** A request waiting for a decision. */
    public record Pending(long id, String agency, String fileName, int rows, Instant receivedAt) {
    }

    /** The decision could not be taken; the message says why. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private Approvals() {
    }

    public static List<Pending> waiting(Connection c) throws SQLException {
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, agency, file_name, row_count, received_at "
                + "FROM agency.request WHERE state = 'WAITING' ORDER BY received_at, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getTimestamp(5).toInstant()));
            }
        }
        return out;
    }

    /**
     * Approves ({@code reason} may be null) or rejects ({@code reason} required) a waiting request.
     *
     * @return the request as decided
     */
    public static Pending decide(Connection c, long id, String operator, boolean approve, String reason)
            throws SQLException, Refused {
        return decide(c, id, operator, null, approve, reason);
    }

    /**
     * {@link #decide(Connection, long, String, boolean, String)} by an operator of the operator API:
     * the audit records the terminal of their session too.
     */
    public static Pending decide(Connection c, long id, String operator, String terminal, boolean approve, String reason)
            throws SQLException, Refused {
        try {
            return decideChecked(c, id, operator, terminal, approve, reason);
        } catch (Refused refused) {
            // a refused decision changes nothing and is audited; the operator only if it is one, the reason never
            boolean named = operator != null && OPERATOR.matcher(operator).matches();
            AuditWriter.insert(c, List.of(AuditEvent.of(null, AuditEvent.in(AuditLine.AGENCY,
                    named ? "operator:" + operator : null, GatewayEvent.AGENCY_APPROVAL).id("AR-" + id)
                    .status(AuditStatus.REFUSED).code("A290").detail(refused.getMessage())
                    .operator(named ? operator : null).terminal(named ? terminal : null))));
            throw refused;
        }
    }

    private static Pending decideChecked(Connection c, long id, String operator, String terminal, boolean approve,
                                         String reason) throws SQLException, Refused {
        if (operator == null || !OPERATOR.matcher(operator).matches()) {
            throw new Refused("operator: 1-64 of A-Z a-z 0-9 . _ @ -");
        }
        if (!approve && (reason == null || reason.isBlank())) {
            throw new Refused("a rejection needs a reason (it is sent to the agency)");
        }
        if (reason != null && (reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl))) {
            throw new Refused("reason: one line of at most 200 characters");
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("UPDATE agency.request SET state = ?, decided_by = ?, "
                + "decided_at = now(), decision_reason = ? WHERE id = ? AND state = 'WAITING' "
                + "RETURNING id, agency, file_name, row_count, received_at")) {
            ps.setString(1, approve ? "APPROVED" : "REJECTED");
            ps.setString(2, operator);
            ps.setString(3, reason);
            ps.setLong(4, id);
            Pending p;
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    c.rollback();
                    throw new Refused("no request AR-" + id + " waits for approval (./gateway approvals list)");
                }
                p = new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getTimestamp(5).toInstant());
            }
            // no person concerned: the hasher is never asked
            AuditWriter.insert(c, List.of(AuditEvent.of(null, AuditEvent.in(AuditLine.AGENCY, "operator:" + operator,
                    GatewayEvent.AGENCY_APPROVAL).id("AR-" + id).status(approve ? AuditStatus.APPROVED : AuditStatus.REJECTED)
                    .code(approve ? "A210" : "A140")
                    .detail(p.rows() + " rows of agency-" + p.agency() + (reason == null ? "" : ": " + reason))
                    .operator(operator).terminal(terminal).reason(reason))));
            c.commit();
            return p;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}

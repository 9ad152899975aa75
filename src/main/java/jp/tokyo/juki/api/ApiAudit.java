package jp.tokyo.juki.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * The audit records of the operator port, written straight into the audit chain and committed
 * before the request goes on (R-AUD-MSG: an operator's action is recorded before it takes effect;
 * a request whose record cannot be written is refused, 503, with nothing done).
 */
public final class ApiAudit {
    private final DataSource db;

    public ApiAudit(DataSource db) {
        this.db = db;
    }

    /** Thrown when the record could not be written: the request must not go on. */
    public static final class NotAudited extends Exception {
        NotAudited(String sqlState) {
            super("the audit record could not be written (SQLSTATE " + sqlState + ")", null, false, false);
        }
    }

    /**
     * One record of the operator line: what {@code caller} (by certificate CN) asked, as whom
     * ({@code operator}, null before a session), from which terminal, why, and what came of it.
     */
    public void record(GatewayEvent type, ApiCaller caller, String operator, String terminal, AuditStatus status,
                       String code, String detail, String reason) throws NotAudited {
        AuditEvent event = AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR, caller == null ? null : caller.commonName(), type)
                .operator(operator).terminal(terminal).reason(reason).status(status).code(code).detail(detail));
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            AuditWriter.insert(c, List.of(event));
        } catch (SQLException e) {
            throw new NotAudited(e.getSQLState());
        }
    }
}

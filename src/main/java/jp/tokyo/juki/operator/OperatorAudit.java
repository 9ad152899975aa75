package jp.tokyo.juki.operator;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * The audit records of the operator capability (line {@code operator}): changes of the register,
 * logins and ends of sessions, appended to the hash chain on the caller's connection, in the
 * caller's transaction, so a change and its record commit together or not at all. Each names the
 * operator who acted ({@code operator}; also {@code operator:<id>} in the peer, as the other operator
 * tools write it), the terminal where known, and the operator concerned in the message id. Never a
 * password, a token or a display name (a person's name).
 */
final class OperatorAudit {
    private OperatorAudit() {
    }

    /** The peer of a record an operator caused. */
    static String peer(String operatorId) {
        return operatorId == null ? null : "operator:" + operatorId;
    }

    /**
     * A draft of {@code type} by {@code operator} (peer {@code operator:<id>}) about {@code subject}
     * (an operator ID or a session reference, in the message id).
     */
    static AuditEvent.Draft draft(GatewayEvent type, String operator, String subject, AuditStatus status, String code,
                                  String detail) {
        return AuditEvent.in(AuditLine.OPERATOR, peer(operator), type).operator(operator).id(subject).status(status)
                .code(code).detail(detail);
    }

    /** Appends {@code draft} on {@code c}: in its transaction when auto-commit is off. */
    static void append(Connection c, AuditEvent.Draft draft) throws SQLException {
        AuditWriter.insert(c, List.of(AuditEvent.of(null, draft)));
    }
}

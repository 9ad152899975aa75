package jp.tokyo.juki.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;
import jp.tokyo.juki.wire.Json;

/**
 * The audit records of an operator's dead-letter actions, written straight into the running
 * gateway's audit table and committed before the action takes effect (a dead letter is a flow of
 * personal data: looking at one is recorded like sending one). Each names the operator, the
 * dead letter and, through its keyed hash, the person it concerns.
 */
public final class DlqAudit {
    /** Written before the action: it is allowed and about to happen. */
    public static final AuditStatus ALLOWED = AuditStatus.ALLOWED;
    public static final AuditStatus REFUSED = AuditStatus.REFUSED;
    /** Written after an allowed action that did not happen (the dead letter was gone, the broker failed). */
    public static final AuditStatus FAILED = AuditStatus.FAILED;

    private final Connection db;
    private final PersonHasher hasher;
    private final String operator;

    /** @param operator the operator, or null when the one given was not well formed (it is not recorded then) */
    public DlqAudit(Connection db, PersonHasher hasher, String operator) {
        this.db = db;
        this.hasher = hasher;
        this.operator = operator;
    }

    public void record(GatewayEvent type, DeadLetter d, AuditStatus status, String code, String detail) {
        record(type, d, status, code, detail, null);
    }

    /** As above, with the reason the operator gave (a reveal, a discard). */
    public void record(GatewayEvent type, DeadLetter d, AuditStatus status, String code, String detail, String reason) {
        record(type, d == null ? null : d.id(), d == null ? null : d.originSender(), status, code, detail,
                d == null ? List.of() : person(d), reason);
    }

    public void record(GatewayEvent type, String id, String sender, AuditStatus status, String code, String detail,
                       List<String> persons) {
        record(type, id, sender, status, code, detail, persons, null);
    }

    private void record(GatewayEvent type, String id, String sender, AuditStatus status, String code, String detail,
                        List<String> persons, String reason) {
        try {
            db.setAutoCommit(true);
            AuditWriter.insert(db, List.of(AuditEvent.of(hasher, AuditEvent.in(AuditLine.OPERATOR,
                    operator == null ? null : "operator:" + operator, type).id(id).sender(sender).status(status).code(code)
                    .detail(detail).persons(persons).operator(operator).reason(reason))));
        } catch (SQLException e) {
            throw new NotAudited(e.getSQLState());
        }
    }

    /** The 住民票コード of the notice's person (hashed on its way into the record), if it has one. */
    private static List<String> person(DeadLetter d) {
        if (d.body() == null) {
            return List.of();
        }
        try {
            JsonNode code = Json.MAPPER.readTree(d.body()).path("juminhyoCode");
            return code.isTextual() && code.asText().matches("\\d{11}") ? List.of(code.asText()) : List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The audit table refused a record: carries the SQLState only; nothing was done. */
    public static final class NotAudited extends RuntimeException {
        NotAudited(String sqlState) {
            super(sqlState, null, false, false);
        }
    }
}

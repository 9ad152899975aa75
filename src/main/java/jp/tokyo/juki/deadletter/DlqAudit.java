package jp.tokyo.juki.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;
import jp.tokyo.juki.wire.Json;

/**
 * The audit records of one operator's dead-letter actions, written straight into the gateway's
 * audit table and committed before the action takes effect (a dead letter is a flow of personal
 * data: looking at one is recorded like sending one). Each names the operator and terminal, the
 * dead letter and, through its keyed hash, the person it concerns.
 */
final class DlqAudit {
    /** Written before the action: it is allowed and about to happen. */
    static final AuditStatus ALLOWED = AuditStatus.ALLOWED;
    static final AuditStatus REFUSED = AuditStatus.REFUSED;
    /** Written after an allowed action that did not happen (the dead letter was gone, the broker failed). */
    static final AuditStatus FAILED = AuditStatus.FAILED;

    private final DataSource db;
    private final PersonHasher hasher;
    private final Actor who;

    DlqAudit(DataSource db, PersonHasher hasher, Actor who) {
        this.db = db;
        this.hasher = hasher;
        this.who = who;
    }

    /** The operator whose actions these records are (a replayed message names them too). */
    String operatorId() {
        return who.operatorId();
    }

    void record(GatewayEvent type, DeadLetter d, AuditStatus status, String code, String detail) {
        record(type, d, status, code, detail, null);
    }

    /** As above, with the reason the operator gave (a reveal, a discard). */
    void record(GatewayEvent type, DeadLetter d, AuditStatus status, String code, String detail, String reason) {
        record(type, d == null ? null : d.id(), d == null ? null : d.originSender(), status, code, detail,
                d == null ? List.of() : person(d), reason);
    }

    void record(GatewayEvent type, String id, String sender, AuditStatus status, String code, String detail,
                List<String> persons, String reason) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            AuditWriter.insert(c, List.of(AuditEvent.of(hasher, AuditEvent.in(AuditLine.OPERATOR, who.peer(), type)
                    .id(id).sender(sender).status(status).code(code).detail(detail).persons(persons)
                    .operator(who.operatorId()).terminal(who.terminal()).reason(reason))));
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
    static final class NotAudited extends RuntimeException {
        NotAudited(String sqlState) {
            super(sqlState, null, false, false);
        }
    }
}

package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.audit.AuditArchive;
import jp.tokyo.juki.audit.AuditDesk;
import jp.tokyo.juki.audit.AuditDesk.Refused;
import jp.tokyo.juki.audit.ChainVerifier;
import jp.tokyo.juki.audit.PersonHistory;
import org.apache.camel.Exchange;

/**
 * The audit record on the operator API ({@code routes/operator-audit.camel.yaml}; an auditor's):
 * {@code POST /api/audit/person} (a person's history, with a reason), {@code verify},
 * {@code export} (into the gateway's export directory: the answer names the archive and its
 * SHA-256) and {@code trim} (names such an archive), each through {@link AuditDesk} as the
 * session's operator at its terminal. A broken chain is an answer ({@code intact: false}), not a
 * refusal; refusals are {@code V400} (a field), {@code V200}/{@code V300} (not exported/trimmed)
 * and {@code A503} (not audited).
 */
public final class AuditApi {
    private final AuditDesk desk;

    public AuditApi(AuditDesk desk) {
        this.desk = desk;
    }

    /** {@code {"juminhyoCode": …, "reason": …}} → the person's keyed hash, exchanges and provisions. */
    public void person(Exchange e) throws SQLException {
        JsonNode body = body(e);
        try {
            ApiReply.ok(e, history(desk.person(DeadLettersApi.actor(e), ApiReply.text(body, "juminhyoCode"),
                    ApiReply.text(body, "reason"))));
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** {@code {"from": …?, "to": …?}} (ISO date-times or dates in JST) → the verdict. */
    public void verify(Exchange e) throws SQLException {
        JsonNode body = body(e);
        try {
            AuditDesk.Verification v = desk.verify(DeadLettersApi.actor(e), ApiReply.text(body, "from"), ApiReply.text(body, "to"));
            ChainVerifier.Verdict d = v.verdict();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("intact", d.intact());
            m.put("records", d.records());
            m.put("firstSeq", d.firstSeq());
            m.put("lastSeq", d.lastSeq());
            m.put("checkpoints", d.checkpoints());
            m.put("lastSignedSeq", d.lastSignedSeq());
            m.put("problem", d.problem());
            m.put("seconds", v.seconds());
            ApiReply.ok(e, m);
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** {@code {"until": …?, "reason": …?}} → the archive written: name, path, SHA-256, range. */
    public void export(Exchange e) throws SQLException, IOException {
        JsonNode body = body(e);
        try {
            AuditDesk.Exported x = desk.export(DeadLettersApi.actor(e), ApiReply.text(body, "until"), ApiReply.text(body, "reason"));
            AuditArchive.Manifest m = x.archive().manifest();
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", x.archive().file().getFileName().toString());
            a.put("path", x.archive().file().toAbsolutePath().toString());
            a.put("sha256", x.archive().sha256());
            a.put("records", m.records());
            a.put("firstSeq", m.firstSeq());
            a.put("lastSeq", m.lastSeq());
            a.put("previousLastSeq", m.previousLastSeq());
            a.put("exportedAt", m.exportedAt().toString());
            a.put("text", x.text());
            ApiReply.ok(e, a);
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** {@code {"archive": NAME, "reason": …?}} → how many records were removed. */
    public void trim(Exchange e) throws SQLException, IOException {
        JsonNode body = body(e);
        try {
            AuditDesk.Trimmed t = desk.trim(DeadLettersApi.actor(e), ApiReply.text(body, "archive"), ApiReply.text(body, "reason"));
            ApiReply.ok(e, Map.of("archive", t.archive(), "removed", t.removed(), "text", t.text()));
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** A person's history as the API answers it (times as ISO text). */
    static Map<String, Object> history(AuditDesk.History h) {
        List<Map<String, Object>> exchanges = new ArrayList<>();
        for (PersonHistory.Exchange x : h.exchanges()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", x.seq());
            m.put("at", x.at().toString());
            m.put("line", x.line());
            m.put("direction", x.direction());
            m.put("peer", x.peer());
            m.put("type", x.type());
            m.put("messageId", x.messageId());
            m.put("sender", x.sender());
            m.put("status", x.status());
            m.put("code", x.code());
            m.put("operator", x.operator());
            m.put("terminal", x.terminal());
            exchanges.add(m);
        }
        List<Map<String, Object>> provisions = new ArrayList<>();
        for (PersonHistory.Provision p : h.provisions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", p.at().toString());
            m.put("agency", p.agency());
            m.put("kind", p.kind());
            m.put("business", p.business());
            m.put("legalBasis", p.legalBasis());
            m.put("keyType", p.keyType());
            m.put("items", p.items());
            m.put("outcome", p.outcome());
            provisions.add(m);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("person", h.person());
        answer.put("exchanges", exchanges);
        answer.put("provisions", provisions);
        return answer;
    }

    /** The HTTP status of a desk's refusal code. */
    public static int status(String code) {
        return switch (code) {
            case AuditDesk.INVALID -> 400;
            case AuditDesk.NOT_AUDITED -> 503;
            default -> 409;
        };
    }

    private static void refuse(Exchange e, Refused r) {
        ApiReply.refuse(e, status(r.code()), r.code(), r.getMessage());
    }

    private static JsonNode body(Exchange e) {
        return e.getProperty(ApiGate.BODY, JsonNode.class);
    }
}

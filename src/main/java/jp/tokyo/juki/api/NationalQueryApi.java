package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditSink;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.national.NationalQuery;
import jp.tokyo.juki.national.QueryKey;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.RecordJson;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A searcher's query to the national servers on the operator API (R-NQ): {@code POST
 * /api/national/query} {@code {"fuhyo": false, "key": {"juminhyoCode": …} | {"myNumber": …} |
 * {"fourInfo": {…}}, "reason": …}} — the query terms in the body only, never in a URL — answers
 * {@code {"type", "queryId", "result", "code", "detail", "records": [PROTOCOL §3 records]}}.
 * The operator is the session's; the purpose is required. A query the national side refuses is
 * an answer ({@code result} {@code REFUSED}), not a refusal of the request.
 *
 * <p>The query's audit records go straight into the audit table, each committed before the query
 * goes on ({@link #directAudit}: docs/decisions.md §8): a query whose record cannot be written is
 * not sent, an answer whose record cannot be written is not shown (503 {@code A503}). The
 * console's query page takes the same method, {@link #ask}.
 */
public final class NationalQueryApi {
    private static final Logger LOG = LoggerFactory.getLogger(NationalQueryApi.class);
    /** The longest stated purpose. */
    public static final int REASON_MAX = 200;

    private final NationalQuery query;

    /** @param query the operators' query line, auditing through {@link #directAudit} */
    public NationalQueryApi(NationalQuery query) {
        this.query = query;
    }

    /** What came of a request: the query was asked ({@link Asked}) or the request was refused ({@link Refused}). */
    public sealed interface Answer {
    }

    /** The query went to {@code type}'s server; the outcome holds its records (honnin or fuhyo). */
    public record Asked(String type, NationalQuery.Outcome<?> outcome) implements Answer {
    }

    /** The request was refused before anything was asked, or its answer could not be audited. */
    public record Refused(int status, String code, String reason) implements Answer {
    }

    /** An audit record could not be written: carries the SQLState only. */
    static final class NotAudited extends RuntimeException {
        NotAudited(String sqlState) {
            super(sqlState, null, false, false);
        }
    }

    /**
     * Audit records written with the writer's own statement and keyed hashes, each committed before
     * {@link AuditSink#record} returns; when one cannot be written the query stops there.
     */
    public static AuditSink directAudit(DataSource db, PersonHasher hasher) {
        return draft -> {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(true);
                AuditWriter.insert(c, List.of(AuditEvent.of(hasher, draft)));
            } catch (SQLException e) {
                throw new NotAudited(e.getSQLState());
            }
        };
    }

    /** Asks as the session's operator what {@code body} describes. */
    public Answer ask(Authenticated session, JsonNode body) {
        JsonNode fuhyoFlag = body.get("fuhyo");
        if (fuhyoFlag != null && !fuhyoFlag.isBoolean()) {
            return new Refused(400, "A400", "fuhyo: true or false");
        }
        QueryKey key = QueryKey.fromJson(body.get("key"));
        if (key == null) {
            return new Refused(400, "A400", "key: exactly one of juminhyoCode, myNumber or fourInfo (nameKana, nameKanji, "
                    + "birthDate, sex, addressPrefix), as text");
        }
        String reason = ApiReply.text(body, "reason");
        if (reason == null || reason.isBlank() || reason.length() > REASON_MAX || reason.chars().anyMatch(Character::isISOControl)) {
            return new Refused(400, "A400", "reason: the purpose of the query is required (one line, at most "
                    + REASON_MAX + " characters)");
        }
        NationalQuery.Asker asker = new NationalQuery.Asker(session.operatorId(), session.terminal(), reason.strip());
        try {
            if (fuhyoFlag != null && fuhyoFlag.booleanValue()) {
                return new Asked(NationalQuery.Store.FUHYO.queryType().name(), query.query(NationalQuery.Store.FUHYO, key, asker));
            }
            return new Asked(NationalQuery.Store.HONNIN.queryType().name(), query.query(NationalQuery.Store.HONNIN, key, asker));
        } catch (NotAudited e) {
            LOG.warn("national query of {} not audited (SQLState {}): nothing shown", session.operatorId(), e.getMessage());
            return new Refused(503, "A503", "the query could not be audited: nothing was asked, or its answer is not shown");
        }
    }

    /** {@code POST /api/national/query}. */
    public void query(Exchange e) {
        Answer answer = ask(e.getProperty(ApiGate.SESSION, Authenticated.class), e.getProperty(ApiGate.BODY, JsonNode.class));
        if (answer instanceof Refused r) {
            ApiReply.refuse(e, r.status(), r.code(), r.reason());
            return;
        }
        Asked asked = (Asked) answer;
        NationalQuery.Outcome<?> o = asked.outcome();
        ObjectNode reply = ApiReply.JSON.createObjectNode();
        reply.put("type", asked.type());
        reply.put("queryId", o.queryId());
        reply.put("result", o.result().name());
        reply.put("code", o.code());
        reply.put("detail", o.detail());
        ArrayNode records = reply.putArray("records");
        for (Object r : o.records()) {
            records.add(r instanceof HonninRecord h ? RecordJson.honnin(h) : RecordJson.fuhyo((FuhyoRecord) r));
        }
        ApiReply.ok(e, reply);
    }
}

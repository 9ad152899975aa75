package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.disclosure.Corrections;
import jp.tokyo.juki.disclosure.DisclosureRefused;
import org.apache.camel.Exchange;

/**
 * Correction and stop-of-use requests on the operator API ({@code routes/operator-disclosure.camel.yaml};
 * a manager's, {@code CORRECTION}): {@code POST /api/corrections/register} (a MATCHED disclosure
 * request, the kind, what is asked), {@code list} and {@code decide} (the next status; ACCEPTED or
 * REJECTED by another manager than the registrar, {@code J403}).
 */
public final class CorrectionsApi {
    private final Corrections corrections;

    public CorrectionsApi(Corrections corrections) {
        this.corrections = corrections;
    }

    /** {@code {request, kind, asked}} → the correction request, RECEIVED. */
    public void register(Exchange e) throws SQLException {
        JsonNode b = DisclosureApi.body(e);
        try {
            ApiReply.ok(e, correction(corrections.register(DeadLettersApi.actor(e), ApiReply.text(b, "request"),
                    ApiReply.text(b, "kind"), ApiReply.text(b, "asked"))));
        } catch (DisclosureRefused r) {
            DisclosureApi.refuse(e, r);
        }
    }

    /** {@code {open?, limit?}} → the requests, newest first. */
    public void list(Exchange e) throws SQLException {
        JsonNode b = DisclosureApi.body(e);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Corrections.Correction c : corrections.list(b.path("open").asBoolean(false), b.path("limit").asInt(100))) {
            out.add(correction(c));
        }
        ApiReply.ok(e, Map.of("corrections", out));
    }

    /** {@code {correction, status, reason?}} → the request in its new status. */
    public void decide(Exchange e) throws SQLException {
        JsonNode b = DisclosureApi.body(e);
        try {
            ApiReply.ok(e, correction(corrections.decide(DeadLettersApi.actor(e), ApiReply.text(b, "correction"),
                    ApiReply.text(b, "status"), ApiReply.text(b, "reason"))));
        } catch (DisclosureRefused r) {
            DisclosureApi.refuse(e, r);
        }
    }

    static Map<String, Object> correction(Corrections.Correction c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", c.number());
        m.put("kind", c.kind().name());
        m.put("request", c.request());
        m.put("person", c.person());
        m.put("asked", c.asked());
        m.put("status", c.status().name());
        m.put("registeredBy", c.registeredBy());
        m.put("registeredAt", FormsApi.iso(c.registeredAt()));
        m.put("updatedBy", c.updatedBy());
        m.put("updatedAt", FormsApi.iso(c.updatedAt()));
        m.put("decidedBy", c.decidedBy());
        m.put("decidedAt", FormsApi.iso(c.decidedAt()));
        m.put("outcomeReason", c.outcomeReason());
        return m;
    }
}

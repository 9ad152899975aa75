package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.disclosure.DisclosureRefused;
import jp.tokyo.juki.disclosure.Disclosures;
import jp.tokyo.juki.disclosure.Requester;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Disclosure requests on the operator API ({@code routes/operator-disclosure.camel.yaml}; a
 * manager's, {@code DISCLOSURE}): {@code POST /api/disclosures/register} (the requester's 4 items,
 * store, stated code, identity document), {@code check} (the 4 items 突合), {@code list} and
 * {@code form} — the PDF as base64 in JSON, or the PDF itself when the request accepts
 * {@code application/pdf}; the gateway keeps no copy. Each through {@link Disclosures} as the
 * session's operator at its terminal; refusals {@code J400}, {@code J404}, {@code J409}, {@code A503}.
 */
public final class DisclosureApi {
    private final Disclosures disclosures;

    public DisclosureApi(Disclosures disclosures) {
        this.disclosures = disclosures;
    }

    /** The requester as a request body states them. */
    public static Requester requester(JsonNode b) throws DisclosureRefused {
        return Requester.of(ApiReply.text(b, "store"), ApiReply.text(b, "nameKana"), ApiReply.text(b, "nameKanji"),
                ApiReply.text(b, "birthDate"), ApiReply.text(b, "sex"), ApiReply.text(b, "address"),
                ApiReply.text(b, "juminhyoCode"), ApiReply.text(b, "identityDocument"));
    }

    /** {@code {store, nameKana, nameKanji, birthDate, sex, address, juminhyoCode?, identityDocument}} → the request. */
    public void register(Exchange e) throws SQLException {
        try {
            ApiReply.ok(e, request(disclosures.register(DeadLettersApi.actor(e), requester(body(e)))));
        } catch (DisclosureRefused r) {
            refuse(e, r);
        }
    }

    /** {@code {request}} → the request with its result (MATCHED, NOT_FOUND, MULTIPLE, MISMATCH). */
    public void check(Exchange e) throws SQLException {
        try {
            ApiReply.ok(e, request(disclosures.check(DeadLettersApi.actor(e), ApiReply.text(body(e), "request"))));
        } catch (DisclosureRefused r) {
            refuse(e, r);
        }
    }

    /** {@code {limit?}} → the latest requests. */
    public void list(Exchange e) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Disclosures.Request r : disclosures.list(body(e).path("limit").asInt(100))) {
            out.add(request(r));
        }
        ApiReply.ok(e, Map.of("requests", out));
    }

    /** {@code {request}} → the form: {@code {form, request, pages, printedAt, missingArchives, pdf}} or the PDF. */
    public void form(Exchange e) throws SQLException, IOException {
        try {
            Disclosures.Printed p = disclosures.print(DeadLettersApi.actor(e), ApiReply.text(body(e), "request"));
            String accept = e.getMessage().getHeader("Accept", String.class);
            if (accept != null && accept.contains("application/pdf")) {
                pdf(e, p);
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("form", p.formNumber());
            m.put("request", p.requestNumber());
            m.put("pages", p.pages());
            m.put("printedAt", p.printedAt().toString());
            m.put("missingArchives", p.missingArchives());
            m.put("pdf", Base64.getEncoder().encodeToString(p.pdf()));
            ApiReply.ok(e, m);
        } catch (DisclosureRefused r) {
            refuse(e, r);
        }
    }

    /** Answers the PDF itself as a download named by its form number (the console's download too). */
    public static void pdf(Exchange e, Disclosures.Printed p) {
        Message m = e.getMessage();
        m.setBody(p.pdf());
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "application/pdf");
        m.setHeader("Content-Disposition", "attachment; filename=\"" + p.formNumber() + ".pdf\"");
        ApiHeaders.secure(m);
    }

    static Map<String, Object> request(Disclosures.Request r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", r.number());
        m.put("store", r.store().name());
        m.put("identityDocument", r.identity().name());
        m.put("codeStated", r.statedCode());
        m.put("status", r.status().name());
        m.put("person", r.person());
        m.put("registeredBy", r.registeredBy());
        m.put("registeredAt", r.registeredAt().toString());
        m.put("checkedBy", r.checkedBy());
        m.put("checkedAt", r.checkedAt() == null ? null : r.checkedAt().toString());
        return m;
    }

    static void refuse(Exchange e, DisclosureRefused r) {
        ApiReply.refuse(e, DisclosureRefused.status(r.code()), r.code(), r.getMessage());
    }

    static JsonNode body(Exchange e) {
        JsonNode b = e.getProperty(ApiGate.BODY, JsonNode.class);
        return b == null ? ApiReply.JSON.createObjectNode() : b;
    }
}

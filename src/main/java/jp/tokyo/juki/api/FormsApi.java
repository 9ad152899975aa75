package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.disclosure.DisclosureRefused;
import jp.tokyo.juki.disclosure.FormRegister;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.operator.Role;
import org.apache.camel.Exchange;

/**
 * The form register (帳票管理簿) on the operator API ({@code routes/operator-disclosure.camel.yaml};
 * {@code FORMS}: managers and auditors): {@code POST /api/forms/list}, {@code handed-over} and
 * {@code destroyed} — the last two a manager's only (an auditor reads; {@code J403}).
 */
public final class FormsApi {
    private final FormRegister register;

    public FormsApi(FormRegister register) {
        this.register = register;
    }

    /** {@code {request?, limit?}} → the forms, newest first. */
    public void list(Exchange e) throws SQLException {
        JsonNode b = DisclosureApi.body(e);
        List<Map<String, Object>> out = new ArrayList<>();
        for (FormRegister.Entry f : register.list(ApiReply.text(b, "request"), b.path("limit").asInt(100))) {
            out.add(entry(f));
        }
        ApiReply.ok(e, Map.of("forms", out));
    }

    /** {@code {form}} → the entry, handed over. */
    public void handedOver(Exchange e) throws SQLException {
        try {
            ApiReply.ok(e, entry(register.handedOver(DeadLettersApi.actor(e), mayRecord(e),
                    ApiReply.text(DisclosureApi.body(e), "form"))));
        } catch (DisclosureRefused r) {
            DisclosureApi.refuse(e, r);
        }
    }

    /** {@code {form, reason}} → the entry, destroyed. */
    public void destroyed(Exchange e) throws SQLException {
        JsonNode b = DisclosureApi.body(e);
        try {
            ApiReply.ok(e, entry(register.destroyed(DeadLettersApi.actor(e), mayRecord(e), ApiReply.text(b, "form"),
                    ApiReply.text(b, "reason"))));
        } catch (DisclosureRefused r) {
            DisclosureApi.refuse(e, r);
        }
    }

    /** Whether the session may record in the register: a manager (an auditor reads only). */
    public static boolean mayRecord(Exchange e) {
        return e.getProperty(ApiGate.SESSION, Authenticated.class).roles().contains(Role.MANAGER);
    }

    static Map<String, Object> entry(FormRegister.Entry f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", f.number());
        m.put("request", f.request());
        m.put("person", f.person());
        m.put("pages", f.pages());
        m.put("printedBy", f.printedBy());
        m.put("printedAt", iso(f.printedAt()));
        m.put("handedOverBy", f.handedOverBy());
        m.put("handedOverAt", iso(f.handedOverAt()));
        m.put("destroyedBy", f.destroyedBy());
        m.put("destroyedAt", iso(f.destroyedAt()));
        m.put("destroyReason", f.destroyReason());
        return m;
    }

    static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}

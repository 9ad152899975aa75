package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.operator.Logins;
import jp.tokyo.juki.operator.Operator;
import jp.tokyo.juki.operator.OperatorRegister;
import jp.tokyo.juki.operator.OperatorRegister.Refused;
import jp.tokyo.juki.operator.ReviewReport;
import jp.tokyo.juki.operator.Role;
import org.apache.camel.Exchange;

/**
 * The operator register through the operator API (issue 12 items 1 and 3;
 * routes/operator-register.camel.yaml): reading the register and its yearly review report
 * ({@code OPERATORS_READ}), issuing and changing operators ({@code OPERATORS_MANAGE}, always as the
 * session's operator: the register checks that they are an active administrator and keeps the
 * separation of duties), and changing one's own password ({@code SESSION}). A refusal of the
 * register keeps its code ({@code O400}…) with the status of {@link #status}; no answer ever holds
 * a password.
 */
public final class OperatorsApi {
    private final OperatorRegister register;
    private final Logins logins;
    private final Clock clock;

    public OperatorsApi(OperatorRegister register, Logins logins, Clock clock) {
        this.register = register;
        this.logins = logins;
        this.clock = clock;
    }

    /** The HTTP status of a refusal of the register: 400 input, 403 not allowed, 404, 409 state, 503 busy. */
    public static int status(String code) {
        return switch (code) {
            case "O403", "O401", "O423" -> 403;
            case "O404" -> 404;
            case "O409" -> 409;
            case "O503" -> 503;
            default -> 400;
        };
    }

    /** {@code POST /api/operators/list}: every operator, active and revoked, by ID. */
    public void list(Exchange e) {
        Instant now = clock.instant();
        List<Map<String, Object>> all = new ArrayList<>();
        for (Operator o : register.list()) {
            all.add(describe(o, now));
        }
        ApiReply.ok(e, Map.of("operators", all));
    }

    /** {@code POST /api/operators/review-report}: who was not reviewed for 12 months, who has not logged in for 90 days. */
    public void reviewReport(Exchange e) {
        ReviewReport r = register.reviewReport();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", r.at().toString());
        m.put("notReviewed", r.notReviewed().stream().map(o -> describe(o, r.at())).toList());
        m.put("noRecentLogin", r.noRecentLogin().stream().map(o -> describe(o, r.at())).toList());
        ApiReply.ok(e, m);
    }

    /** {@code POST /api/operators/issue} {@code {id, displayName, roles[], terminals[], initialPassword}}. */
    public void issue(Exchange e) {
        change(e, (by, body) -> register.issue(by, ApiReply.text(body, "id"), ApiReply.text(body, "displayName"),
                roles(texts(body, "roles")), Set.copyOf(texts(body, "terminals")), chars(body, "initialPassword")));
    }

    /** {@code POST /api/operators/grant} {@code {id, role}}. */
    public void grant(Exchange e) {
        change(e, (by, body) -> register.grant(by, ApiReply.text(body, "id"), role(body)));
    }

    /** {@code POST /api/operators/withdraw} {@code {id, role}}. */
    public void withdraw(Exchange e) {
        change(e, (by, body) -> register.withdraw(by, ApiReply.text(body, "id"), role(body)));
    }

    /** {@code POST /api/operators/terminals} {@code {id, terminals[]}}: the terminals from now on. */
    public void terminals(Exchange e) {
        change(e, (by, body) -> register.terminals(by, ApiReply.text(body, "id"), Set.copyOf(texts(body, "terminals"))));
    }

    /** {@code POST /api/operators/reset-password} {@code {id, password}}: also ends their sessions and a lockout. */
    public void resetPassword(Exchange e) {
        change(e, (by, body) -> register.resetPassword(by, ApiReply.text(body, "id"), chars(body, "password")));
    }

    /** {@code POST /api/operators/unlock} {@code {id}}. */
    public void unlock(Exchange e) {
        change(e, (by, body) -> register.unlock(by, ApiReply.text(body, "id")));
    }

    /** {@code POST /api/operators/review} {@code {id}}: the entry was reviewed (the yearly review). */
    public void review(Exchange e) {
        change(e, (by, body) -> register.review(by, ApiReply.text(body, "id")));
    }

    /** {@code POST /api/operators/revoke} {@code {id, reason}}: for good. */
    public void revoke(Exchange e) {
        change(e, (by, body) -> register.revoke(by, ApiReply.text(body, "id"), ApiReply.text(body, "reason")));
    }

    /** {@code POST /api/session/password} {@code {current, new}}: the session's operator changes their own password. */
    public void changePassword(Exchange e) {
        Authenticated s = e.getProperty(ApiGate.SESSION, Authenticated.class);
        JsonNode body = e.getProperty(ApiGate.BODY, JsonNode.class);
        try {
            logins.changePassword(s.operatorId(), chars(body, "current"), chars(body, "new"));
            ApiReply.ok(e, Map.of("code", OperatorRegister.DONE, "reason", "password changed"));
        } catch (Refused r) {
            ApiReply.refuse(e, status(r.code()), r.code(), r.reason());
        }
    }

    /**
     * An operator as the API and the console show them: ID, display name, roles and terminals
     * (sorted), status, the dates, and until when wrong passwords lock them out (null when not
     * locked out at {@code now}). Times as ISO text.
     */
    public static Map<String, Object> describe(Operator o, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("displayName", o.displayName());
        m.put("status", o.status().name());
        TreeSet<String> roles = new TreeSet<>();
        o.roles().forEach(r -> roles.add(r.text()));
        m.put("roles", roles);
        m.put("terminals", new TreeSet<>(o.terminals()));
        m.put("issuedAt", iso(o.issuedAt()));
        m.put("issuedBy", o.issuedBy());
        m.put("revokedAt", iso(o.revokedAt()));
        m.put("lastReviewedAt", iso(o.lastReviewedAt()));
        m.put("lastLoginAt", iso(o.lastLoginAt()));
        m.put("lockedUntil", o.lockedAt(now) ? iso(o.lockedUntil()) : null);
        return m;
    }

    /** A change by the session's operator; the operator changed as the answer, or the register's refusal. */
    private void change(Exchange e, Change change) {
        Authenticated s = e.getProperty(ApiGate.SESSION, Authenticated.class);
        try {
            Operator o = change.apply(s.operatorId(), e.getProperty(ApiGate.BODY, JsonNode.class));
            ApiReply.ok(e, describe(o, clock.instant()));
        } catch (Refused r) {
            ApiReply.refuse(e, status(r.code()), r.code(), r.reason());
        }
    }

    @FunctionalInterface
    private interface Change {
        Operator apply(String by, JsonNode body) throws Refused;
    }

    /** The role named by member {@code role} (null when absent: the register refuses); refused when no role has that name. */
    private static Role role(JsonNode body) throws Refused {
        String text = ApiReply.text(body, "role");
        Role r = text == null ? null : Role.of(text);
        if (text != null && r == null) {
            throw unknownRole();
        }
        return r;
    }

    /** The roles named; refused when one is not a role. */
    public static Set<Role> roles(List<String> names) throws Refused {
        Set<Role> roles = OperatorRegister.roles(names.toArray(String[]::new));
        if (roles == null) {
            throw unknownRole();
        }
        return roles.isEmpty() ? EnumSet.noneOf(Role.class) : roles;
    }

    private static Refused unknownRole() {
        StringBuilder known = new StringBuilder();
        for (Role r : Role.values()) {
            known.append(known.isEmpty() ? "" : ", ").append(r.text());
        }
        return new Refused("O400", "a role is one of " + known);
    }

    /** The texts of array member {@code name} (empty when absent); refused when it is not an array of texts. */
    private static List<String> texts(JsonNode body, String name) throws Refused {
        JsonNode v = body == null ? null : body.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new Refused("O400", name + " must be an array of texts");
        }
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new Refused("O400", name + " must be an array of texts");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static char[] chars(JsonNode body, String name) {
        String v = ApiReply.text(body, name);
        return v == null ? null : v.toCharArray();
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}

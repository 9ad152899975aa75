package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.operator.Logins;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.operator.Sessions;
import org.apache.camel.Exchange;

/**
 * Login, logout and "who am I" of the operator API. The operator is the one the client
 * certificate names ({@code op-<ID>}); the second factor is the password in the body, with the
 * terminal the operator works at. A login answers the session token (sent back as
 * {@code Authorization: Bearer}) and the CSRF token; the register audits every attempt.
 */
public final class SessionApi {
    private final Logins logins;
    private final Sessions sessions;

    public SessionApi(Logins logins, Sessions sessions) {
        this.logins = logins;
        this.sessions = sessions;
    }

    /** {@code POST /api/session/login} {@code {"password": …, "terminal": …}}. */
    public void login(Exchange e) {
        ApiCaller caller = e.getProperty(ApiGate.CALLER, ApiCaller.class);
        JsonNode body = e.getProperty(ApiGate.BODY, JsonNode.class);
        String password = ApiReply.text(body, "password");
        String terminal = ApiReply.text(body, "terminal");
        if (password == null || terminal == null) {
            ApiReply.refuse(e, 400, "A400", "password and terminal are required");
            return;
        }
        Logins.Result result = logins.login(caller.operatorId(), caller.fingerprint(), password.toCharArray(), terminal);
        if (result instanceof Logins.Refused r) {
            ApiReply.refuse(e, "L403".equals(r.code()) ? 403 : 401, r.code(), r.reason());
            return;
        }
        Logins.LoggedIn in = (Logins.LoggedIn) result;
        Map<String, Object> answer = describe(in.session());
        answer.put("token", in.token());
        ApiReply.ok(e, answer);
    }

    /** {@code POST /api/session/logout}: ends the session. */
    public void logout(Exchange e) {
        sessions.end(e.getProperty(ApiGate.TOKEN, String.class), "logout");
        ApiReply.ok(e, Map.of("code", "S200", "reason", "logged out"));
    }

    /** {@code POST /api/session/whoami}: the session's operator, roles and terminal. */
    public void whoami(Exchange e) {
        ApiReply.ok(e, describe(e.getProperty(ApiGate.SESSION, Authenticated.class)));
    }

    static Map<String, Object> describe(Authenticated s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operator", s.operatorId());
        m.put("displayName", s.displayName());
        TreeSet<String> roles = new TreeSet<>();
        for (Role r : s.roles()) {
            roles.add(r.text());
        }
        m.put("roles", roles);
        m.put("terminal", s.terminal());
        m.put("csrf", s.csrfToken());
        m.put("since", s.createdAt() == null ? null : s.createdAt().toString());
        return m;
    }
}

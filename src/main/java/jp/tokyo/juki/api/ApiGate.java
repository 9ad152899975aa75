package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Predicate;
import javax.net.ssl.SSLSession;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.operator.Permission;
import jp.tokyo.juki.operator.Sessions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.Synchronization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of every route of the operator port. In order: the client certificate of the
 * channel's handshake, still valid and not revoked (TLS 1.3 resumption skips the handshake's
 * check); an operator's certificate ({@code op-<ID>}); the body, JSON or a form, at most
 * {@link #MAX_BODY} bytes; then — unless the route is the login — a live session of that same
 * operator bound to that same certificate, from {@code Authorization: Bearer} (the CLI) or the
 * session cookie (the console, whose unsafe requests must also carry the session's CSRF token
 * and come from the same origin); the route's {@link Permission} held by one of the session's
 * roles; and last the audit record of the request, committed before anything happens.
 *
 * <p>Every refusal is a 400, 401, 403 or 503 with a code ({@link ApiReply#refuse}) and is audited
 * ({@code API_REFUSED}); nothing after the gate runs. Each request is logged once, on completion,
 * by its route's permission, status, code, certificate and time — never a path, query or body.
 *
 * <p>Routes set exchange properties: {@link #PERMISSION} (the permission's name; absent for the
 * login) and {@link #MODE} ({@code cookie} for console pages; the API's default is {@code bearer}).
 * The gate leaves {@link #CALLER}, {@link #SESSION}, {@link #TOKEN} and {@link #BODY} for the next
 * step.
 */
public final class ApiGate implements Processor {
    private static final Logger ACCESS = LoggerFactory.getLogger("jp.tokyo.juki.api.access");
    public static final String PERMISSION = "jukiPermission";
    public static final String MODE = "jukiAuth";
    public static final String CALLER = "jukiCaller";
    public static final String SESSION = "jukiSession";
    public static final String TOKEN = "jukiToken";
    public static final String BODY = "jukiBody";
    /** Exchange property: the gate has audited this request's refusal itself. */
    private static final String REFUSAL_AUDITED = "jukiRefusalAudited";
    /** The console's session cookie; {@code __Host-}: Secure, Path=/, no Domain, set by this origin only. */
    public static final String COOKIE = "__Host-juki_session";
    /** Largest request body read, in bytes. */
    public static final int MAX_BODY = 65_536;

    private final Predicate<SSLSession> stillTrusted;
    private final Sessions sessions;
    private final ApiAudit audit;

    private final RefusalPage consolePage;

    /**
     * @param stillTrusted the operator line's trust manager's per-request check (CRL, validity)
     * @param consolePage  how a console request's refusal is shown; a 401 of the console goes to
     *                     the login page (the lock screen after an idle lock) instead
     */
    public ApiGate(Predicate<SSLSession> stillTrusted, Sessions sessions, ApiAudit audit, RefusalPage consolePage) {
        this.stillTrusted = stillTrusted;
        this.sessions = sessions;
        this.audit = audit;
        this.consolePage = consolePage;
    }

    @Override
    public void process(Exchange e) throws Exception {
        long start = System.nanoTime();
        String permissionName = e.getProperty(PERMISSION, String.class);
        e.getExchangeExtension().addOnCompletion(new AccessLog(permissionName == null ? "LOGIN" : permissionName, start));
        boolean cookie = "cookie".equals(e.getProperty(MODE, String.class));
        if (cookie) {
            e.setProperty(ApiReply.PAGE, (RefusalPage) this::consoleRefusal);
        }
        ApiCaller caller = ApiCaller.of(e);
        e.setProperty(CALLER, caller);
        if (caller == null || !stillTrusted.test(caller.tls())) {
            refuse(e, caller, null, 401, "A401", "the client certificate is no longer valid or has been revoked");
            return;
        }
        if (caller.operatorId() == null) {
            refuse(e, caller, null, 403, "A403", "not an operator's certificate");
            return;
        }
        JsonNode body = body(e);
        if (body == null) {
            return;
        }
        e.setProperty(BODY, body);
        if (cookie && !sameOrigin(e.getMessage())) {
            refuse(e, caller, null, 403, "C403", "the request did not come from the console's own pages");
            return;
        }
        if (permissionName == null) {
            return;
        }
        Permission permission = Permission.valueOf(permissionName);
        String token = cookie ? cookie(e.getMessage()) : bearer(e.getMessage());
        if (token == null) {
            refuse(e, caller, null, 401, "S401", "log in first");
            return;
        }
        Sessions.Resolution resolved = sessions.resolve(token, caller.fingerprint());
        if (resolved instanceof Sessions.Refused r) {
            refuse(e, caller, null, 401, r.code(), r.reason());
            return;
        }
        Authenticated session = (Authenticated) resolved;
        if (!session.operatorId().equals(caller.operatorId())) {
            refuse(e, caller, session, 401, "S403", "the session belongs to another certificate");
            return;
        }
        if (cookie && !"GET".equals(e.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))
                && !constantTimeEquals(session.csrfToken(), ApiReply.text(body, "_csrf"))
                && !constantTimeEquals(session.csrfToken(), e.getMessage().getHeader("X-CSRF-Token", String.class))) {
            refuse(e, caller, session, 403, "C403", "the form is stale or was not sent by the console: reload the page");
            return;
        }
        if (!permission.allows(session.roles())) {
            refuse(e, caller, session, 403, "P403", "none of your roles may " + permission.name());
            return;
        }
        e.setProperty(SESSION, session);
        e.setProperty(TOKEN, token);
        try {
            audit.record(GatewayEvent.API_REQUEST, caller, session.operatorId(), session.terminal(), AuditStatus.ALLOWED,
                    "A200", permission.name(), ApiReply.text(body, "reason"));
        } catch (ApiAudit.NotAudited ex) {
            e.setProperty(REFUSAL_AUDITED, true); // the audit is what failed: nothing more to try
            ApiReply.refuse(e, 503, "A503", "the request could not be audited; nothing was done");
        }
    }

    /** A console request refused: 401 to the login page (with the code: S440 shows the lock screen), else a page. */
    private void consoleRefusal(Exchange e, int status, String code, String reason) {
        if (status == 401) {
            Message m = e.getMessage();
            m.setBody(new byte[0]);
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 303);
            m.setHeader("Location", "/console/login?code=" + code);
            ApiHeaders.secure(m);
            return;
        }
        consolePage.render(e, status, code, reason);
    }

    /** A refusal, audited; when even its audit record cannot be written the answer says so. */
    void refuse(Exchange e, ApiCaller caller, Authenticated session, int status, String code, String reason) {
        e.setProperty(REFUSAL_AUDITED, true);
        try {
            audit.record(GatewayEvent.API_REFUSED, caller, session == null ? null : session.operatorId(),
                    session == null ? null : session.terminal(), AuditStatus.REFUSED, code,
                    e.getProperty(PERMISSION, "LOGIN", String.class), null);
            ApiReply.refuse(e, status, code, reason);
        } catch (ApiAudit.NotAudited ex) {
            ApiReply.refuse(e, 503, "A503", "the request could not be audited; nothing was done");
        }
    }

    /** The body as JSON (a form is read into the same shape), or null when refused. */
    private JsonNode body(Exchange e) {
        byte[] bytes;
        try {
            bytes = e.getMessage().getBody(byte[].class);
        } catch (RuntimeException ex) {
            bytes = null;
        }
        if (bytes == null || bytes.length == 0) {
            return ApiReply.JSON.createObjectNode();
        }
        if (bytes.length > MAX_BODY) {
            refuse(e, e.getProperty(CALLER, ApiCaller.class), null, 413, "A413", "the request body is larger than " + MAX_BODY + " bytes");
            return null;
        }
        String type = e.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            try {
                return form(new String(bytes, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformedEscape) {
                refuse(e, e.getProperty(CALLER, ApiCaller.class), null, 400, "A400", "the form is not URL-encoded");
                return null;
            }
        }
        try {
            JsonNode n = ApiReply.JSON.readTree(bytes);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException ignored) {
            // refused below, without the parser's message: it may quote the body
        }
        refuse(e, e.getProperty(CALLER, ApiCaller.class), null, 400, "A400", "the body must be one JSON object");
        return null;
    }

    static ObjectNode form(String text) {
        ObjectNode n = ApiReply.JSON.createObjectNode();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                n.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return n;
    }

    private static String bearer(Message m) {
        String h = m.getHeader("Authorization", String.class);
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
    }

    /** The session cookie's value, or null. */
    public static String cookie(Message m) {
        String h = m.getHeader("Cookie", String.class);
        if (h == null) {
            return null;
        }
        for (String part : h.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    /**
     * A browser's request from the console's own pages: {@code Sec-Fetch-Site} same-origin or none
     * (typed address) when the browser sends it, and {@code Origin}, when sent, naming this host.
     * Under our {@code Referrer-Policy: no-referrer} a browser posts a form with {@code Origin: null}
     * (Fetch, "serializing a request origin"): then {@code Sec-Fetch-Site} alone decides.
     */
    static boolean sameOrigin(Message m) {
        String site = m.getHeader("Sec-Fetch-Site", String.class);
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = m.getHeader("Origin", String.class);
        String host = m.getHeader("Host", String.class);
        return origin == null || site != null && origin.equals("null") || host != null && origin.equals("https://" + host);
    }

    private static boolean constantTimeEquals(String expected, String given) {
        return expected != null && given != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** One line per request on completion: no path, no query, no body. */
    /**
     * One line per request on completion — no path, no query, no body — and the audit record of a
     * refusal that came after the gate (an action's 400, 404, 409 or the console's refusal page,
     * or the login route's own): every refusal of the port is an {@code API_REFUSED} record with
     * its code, in this one place, whether or not the capability recorded its own as well.
     */
    private final class AccessLog implements Synchronization {
        private final String action;
        private final long start;

        AccessLog(String action, long start) {
            this.action = action;
            this.start = start;
        }
        @Override
        public void onComplete(Exchange e) {
            log(e, "ok");
        }

        @Override
        public void onFailure(Exchange e) {
            log(e, "failed");
        }

        private void log(Exchange e, String outcome) {
            ApiCaller caller = e.getProperty(CALLER, ApiCaller.class);
            int status = e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            if (status >= 400 && !e.getProperty(REFUSAL_AUDITED, false, Boolean.class)) {
                Authenticated session = e.getProperty(SESSION, Authenticated.class);
                try {
                    audit.record(GatewayEvent.API_REFUSED, caller, session == null ? null : session.operatorId(),
                            session == null ? null : session.terminal(), AuditStatus.REFUSED,
                            e.getProperty(ApiReply.CODE, "HTTP" + status, String.class), action, null);
                } catch (ApiAudit.NotAudited ex) {
                    ACCESS.warn("{} {}: the refusal's audit record could not be written", action, status);
                }
            }
            ACCESS.info("{} {} {} {} {} {} ms", action, status,
                    e.getProperty(ApiReply.CODE, "-", String.class), caller == null ? "-" : caller.commonName(), outcome,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }
}

package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import jp.tokyo.juki.api.ApiGate;
import jp.tokyo.juki.api.ApiHeaders;
import jp.tokyo.juki.api.ApiReply;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.operator.Permission;
import jp.tokyo.juki.operator.Role;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One console request as a page sees it — the session, the language, the form — and the page it
 * answers: the common layout (title, the navigation the session's roles allow, the operator,
 * the language switch, the idle lock), every form with the session's CSRF token.
 */
public final class Console {
    /** The language cookie: {@code ja} (default) or {@code en}. */
    public static final String LANG_COOKIE = "juki_lang";
    /**
     * The registry's name of the session idle limit ({@link Duration}) the page's timer locks the
     * terminal after, when a page does not set {@link ConsolePages#IDLE_SECONDS} itself.
     */
    public static final String IDLE = "consoleIdle";
    /** Times on the console: the gateway's own time zone (Tokyo), to the minute. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Tokyo"));

    private final Exchange exchange;
    private final String lang;

    public Console(Exchange exchange) {
        this.exchange = exchange;
        this.lang = language(exchange.getMessage());
    }

    public String lang() {
        return lang;
    }

    public String t(String key) {
        return ConsoleText.t(lang, key);
    }

    /** The session the gate found (null on the login pages). */
    public Authenticated session() {
        return exchange.getProperty(ApiGate.SESSION, Authenticated.class);
    }

    /** A form field or JSON member of the request, or null. */
    public String field(String name) {
        String v = ApiReply.text(exchange.getProperty(ApiGate.BODY, JsonNode.class), name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public Exchange exchange() {
        return exchange;
    }

    /** {@code t} as the console shows a time ({@code 2026-12-06 09:30}, Tokyo), or "-" for none. */
    public String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    /** A hidden CSRF field for a form of this session. */
    public String csrf() {
        Authenticated s = session();
        return s == null ? "" : "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(s.csrfToken()) + "\">";
    }

    /** Answers a full page: layout around {@code body} (already HTML). */
    public void page(int status, String title, String body) {
        Authenticated s = session();
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html><html lang=\"").append(lang).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" — ").append(esc(t("app"))).append("</title>")
                .append("<link rel=\"stylesheet\" href=\"/console/static/console.css\">")
                .append("<script src=\"/console/static/console.js\" defer></script></head>")
                .append("<body").append(s == null ? "" : " data-idle-seconds=\"" + idleSeconds() + "\"").append(">")
                .append("<header><span class=\"app\">").append(esc(t("app"))).append("</span>");
        if (s != null) {
            b.append("<span class=\"who\" id=\"who\">").append(esc(t("operator"))).append(": ").append(esc(s.displayName()))
                    .append(" (").append(esc(s.operatorId())).append(") · ").append(esc(t("terminal"))).append(": ")
                    .append(esc(s.terminal())).append("</span>");
        }
        b.append("<a class=\"lang\" href=\"/console/lang?to=").append("en".equals(lang) ? "ja" : "en").append("\">")
                .append(esc(t("language"))).append("</a></header>");
        if (s != null) {
            b.append(nav(s.roles()));
        }
        b.append("<main><h1>").append(esc(title)).append("</h1>").append(body).append("</main></body></html>");
        html(status, b.toString());
    }

    private String nav(Set<Role> roles) {
        StringBuilder b = new StringBuilder("<nav><a href=\"/console/\">").append(esc(t("home"))).append("</a>");
        link(b, roles, Permission.APPROVALS_LIST, "/console/approvals", "nav.approvals");
        link(b, roles, Permission.DLQ_LIST, "/console/dlq", "nav.dlq");
        link(b, roles, Permission.PERSON_SEARCH, "/console/search", "nav.search");
        link(b, roles, Permission.NATIONAL_QUERY, "/console/national", "nav.national");
        link(b, roles, Permission.DISCLOSURE, "/console/disclosures", "nav.disclosures");
        link(b, roles, Permission.FORMS, "/console/forms", "nav.forms");
        link(b, roles, Permission.CORRECTION, "/console/corrections", "nav.corrections");
        link(b, roles, Permission.STATISTICS, "/console/statistics", "nav.statistics");
        link(b, roles, Permission.SEARCH_REPORT, "/console/search-report", "nav.search-report");
        link(b, roles, Permission.RETENTION, "/console/retention", "nav.retention");
        link(b, roles, Permission.AUDIT_PERSON, "/console/history", "nav.history");
        link(b, roles, Permission.STATUS, "/console/status", "nav.status");
        link(b, roles, Permission.OPERATORS_READ, "/console/operators", "nav.operators");
        link(b, roles, Permission.SESSION, "/console/password", "nav.password");
        b.append("<form method=\"post\" action=\"/console/logout\" class=\"logout\">").append(csrf())
                .append("<button type=\"submit\">").append(esc(t("logout"))).append("</button></form></nav>");
        return b.toString();
    }

    private void link(StringBuilder b, Set<Role> roles, Permission p, String href, String key) {
        if (p.allows(roles)) {
            b.append("<a href=\"").append(href).append("\">").append(esc(t(key))).append("</a>");
        }
    }

    /** The idle lock of this page's timer: the page's own, else the gateway's setting, else 10 minutes. */
    long idleSeconds() {
        Long s = exchange.getProperty(ConsolePages.IDLE_SECONDS, Long.class);
        if (s != null) {
            return s;
        }
        Duration idle = exchange.getContext() == null ? null
                : exchange.getContext().getRegistry().lookupByNameAndType(IDLE, Duration.class);
        return idle == null ? 600 : idle.toSeconds();
    }

    /** Answers raw HTML with the security headers. */
    public void html(int status, String html) {
        Message m = exchange.getMessage();
        m.setBody(html.getBytes(StandardCharsets.UTF_8));
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        ApiHeaders.secure(m);
    }

    /** 303 to {@code location} (a path of this console). */
    public void redirect(String location) {
        Message m = exchange.getMessage();
        m.setBody(new byte[0]);
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 303);
        m.setHeader("Location", location);
        ApiHeaders.secure(m);
    }

    /** A refusal page: the code and the reason, and a way back. */
    public void refused(int status, String code, String reason, String back) {
        page(status, t("refused"), "<p class=\"refused\"><b>" + esc(t("code")) + ":</b> <code id=\"code\">" + esc(code)
                + "</code></p><p>" + esc(t("reason")) + ": " + esc(reason) + "</p><p><a href=\"" + esc(back) + "\">"
                + esc(t("back")) + "</a></p>");
        exchange.setProperty(ApiReply.CODE, code);
    }

    /**
     * A query parameter of the page's own making — a code, a language, a word such as
     * {@code changed}: letters, digits and hyphens, at most 20 — or null. Anything else a URL carries
     * is ignored (it could be personal data someone typed into the address).
     */
    public static String query(Message m, String name) {
        String q = m.getHeader(Exchange.HTTP_QUERY, String.class);
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            if (pair.startsWith(name + "=")) {
                String v = pair.substring(name.length() + 1);
                return v.matches("[A-Za-z0-9-]{1,20}") ? v : null;
            }
        }
        return null;
    }

    private static String language(Message m) {
        String cookie = m.getHeader("Cookie", String.class);
        if (cookie != null) {
            for (String part : cookie.split(";")) {
                if (part.strip().equals(LANG_COOKIE + "=en")) {
                    return "en";
                }
            }
        }
        return "ja";
    }
}

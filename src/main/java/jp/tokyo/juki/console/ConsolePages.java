package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.TreeSet;
import jp.tokyo.juki.api.ApiCaller;
import jp.tokyo.juki.api.ApiGate;
import jp.tokyo.juki.api.ApiHeaders;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.operator.Logins;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.operator.Sessions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The console's own pages: login (the certificate's operator, a password, a terminal), the lock
 * screen, logout, home, the language switch and the static files (one style sheet, one script:
 * the idle lock's timer). The session cookie is {@code __Host-}, Secure, HttpOnly, SameSite=Strict
 * and has no lifetime of its own: the server ends the session (idle, absolute, logout, lock).
 */
public final class ConsolePages {
    /** Exchange property: the idle lock in seconds, for the page's timer. */
    public static final String IDLE_SECONDS = "jukiIdleSeconds";
    private static final String CLEAR = ApiGate.COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";

    private final Logins logins;
    private final Sessions sessions;
    private final long idleSeconds;

    public ConsolePages(Logins logins, Sessions sessions, Duration idle) {
        this.logins = logins;
        this.sessions = sessions;
        this.idleSeconds = idle.toSeconds();
    }

    /** {@code GET /console/login}: the login form; after an idle lock ({@code ?code=S440}) the lock screen. */
    public void loginForm(Exchange e) {
        Console c = new Console(e);
        String code = Console.query(e.getMessage(), "code");
        boolean locked = "S440".equals(code);
        loginPage(c, locked ? c.t("locked.title") : c.t("login"), locked ? c.t("locked.text")
                : code != null && code.startsWith("S4") ? c.t("ended.text") + " (" + code + ")" : null, null, 200);
    }

    /** {@code GET /console/lock}: ends the session of this browser and shows the lock screen. */
    public void lock(Exchange e) {
        String token = ApiGate.cookie(e.getMessage());
        if (token != null) {
            sessions.end(token, Sessions.End.IDLE.text());
        }
        Console c = new Console(e);
        loginPage(c, c.t("locked.title"), c.t("locked.text"), null, 200);
        e.getMessage().setHeader("Set-Cookie", CLEAR);
    }

    /** {@code POST /console/login}: the second factor; a session cookie and the home page, or the form again with the code. */
    public void login(Exchange e) {
        Console c = new Console(e);
        ApiCaller caller = e.getProperty(ApiGate.CALLER, ApiCaller.class);
        String password = c.field("password");
        String terminal = c.field("terminal");
        if (password == null || terminal == null) {
            loginPage(c, c.t("login"), null, "A400: " + c.t("password") + " / " + c.t("terminal"), 400);
            return;
        }
        Logins.Result r = logins.login(caller.operatorId(), caller.fingerprint(), password.toCharArray(), terminal);
        if (r instanceof Logins.Refused refused) {
            loginPage(c, c.t("login"), null, refused.code() + ": " + refused.reason(), "L403".equals(refused.code()) ? 403 : 401);
            return;
        }
        Logins.LoggedIn in = (Logins.LoggedIn) r;
        c.redirect("/console/");
        e.getMessage().setHeader("Set-Cookie", ApiGate.COOKIE + "=" + in.token() + "; Path=/; Secure; HttpOnly; SameSite=Strict");
    }

    /** {@code POST /console/logout}. */
    public void logout(Exchange e) {
        sessions.end(e.getProperty(ApiGate.TOKEN, String.class), "logout");
        new Console(e).redirect("/console/login");
        e.getMessage().setHeader("Set-Cookie", CLEAR);
    }

    /** {@code GET /console/}: who is logged in, with which roles, since when. */
    public void home(Exchange e) {
        e.setProperty(IDLE_SECONDS, idleSeconds);
        Console c = new Console(e);
        Authenticated s = c.session();
        TreeSet<String> roles = new TreeSet<>();
        for (Role r : s.roles()) {
            roles.add(c.lang().equals("en") ? r.text() : r.japanese());
        }
        c.page(200, c.t("welcome"), "<dl><dt>" + esc(c.t("operator")) + "</dt><dd>" + esc(s.displayName()) + " (" + esc(s.operatorId())
                + ")</dd><dt>" + esc(c.t("roles")) + "</dt><dd id=\"roles\">" + esc(String.join(", ", roles)) + "</dd><dt>"
                + esc(c.t("terminal")) + "</dt><dd>" + esc(s.terminal()) + "</dd><dt>" + esc(c.t("session.since")) + "</dt><dd>"
                + esc(c.time(s.createdAt())) + "</dd></dl><p class=\"note\" id=\"idle-note\">"
                + esc(c.t("idle.note").replace("{0}", Long.toString(Math.max(1, idleSeconds / 60)))) + "</p>");
    }

    /** {@code GET /console/lang?to=en|ja}: remembers the language, back to the home page. */
    public void language(Exchange e) {
        String to = "en".equals(Console.query(e.getMessage(), "to")) ? "en" : "ja";
        new Console(e).redirect("/console/");
        e.getMessage().setHeader("Set-Cookie", Console.LANG_COOKIE + "=" + to + "; Path=/; Secure; SameSite=Strict");
    }

    /** {@code GET /console/static/console.css|console.js}. */
    public void resource(Exchange e) throws IOException {
        // the request's URI: a REST route's CamelHttpPath is the part after its own path, empty here
        String uri = e.getMessage().getHeader(Exchange.HTTP_URI, "", String.class);
        int query = uri.indexOf('?');
        String file = (query < 0 ? uri : uri.substring(0, query)).endsWith("/console.js") ? "console.js" : "console.css";
        Message m = e.getMessage();
        try (InputStream in = ConsolePages.class.getResourceAsStream("/console/" + file)) {
            m.setBody(in == null ? new byte[0] : in.readAllBytes());
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, "console.js".equals(file) ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
        ApiHeaders.secure(m);
    }

    private void loginPage(Console c, String title, String note, String error, int status) {
        ApiCaller caller = c.exchange().getProperty(ApiGate.CALLER, ApiCaller.class);
        StringBuilder b = new StringBuilder();
        if (note != null) {
            b.append("<p class=\"note\" id=\"note\">").append(esc(note)).append("</p>");
        }
        if (error != null) {
            b.append("<p class=\"refused\" id=\"error\">").append(esc(error)).append("</p>");
        }
        b.append("<form method=\"post\" action=\"/console/login\" id=\"login\"><p>").append(esc(c.t("certificate"))).append(": <b>")
                .append(esc(caller == null ? "-" : caller.commonName())).append("</b></p><label>").append(esc(c.t("terminal")))
                .append(" <input name=\"terminal\" id=\"terminal\" required maxlength=\"64\" autocomplete=\"off\"></label><label>")
                .append(esc(c.t("password"))).append(" <input type=\"password\" name=\"password\" id=\"password\" required maxlength=\"128\" ")
                .append("autocomplete=\"current-password\"></label><button type=\"submit\">").append(esc(c.t("login")))
                .append("</button></form>");
        c.page(status, title, b.toString());
    }
}

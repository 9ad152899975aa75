package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.ConsoleHttp.fields;
import static jp.tokyo.juki.testkit.OperatorDesk.ADMIN;
import static jp.tokyo.juki.testkit.OperatorDesk.PASSWORD;
import static jp.tokyo.juki.testkit.OperatorDesk.TERMINAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's forms against cross-site requests (issue 12 item 4), with a plain HTTP client that
 * holds a valid session cookie: every form of every page of the operator register, the password
 * page and the layout carries the session's CSRF token; a POST without it, with another one, or from
 * another origin is refused ({@code C403}, audited) and changes nothing; with it, the change is made
 * as the session's administrator. An auditor reads the register and the report but gets no forms,
 * and a change of theirs is refused ({@code P403}). Real TLS, real gateway and database.
 */
class ConsoleFormsIT {
    private static final String NEW_PASSWORD = "Juniper anchor velvet 62";
    static OperatorDesk desk;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(false, Map.of());
        desk.issue("aud1", Role.AUDITOR).issue("due1", Role.SEARCHER).issue("due2", Role.SEARCHER);
        try (Connection c = desk.gw.gateway.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE operator.operator SET issued_at = now() - interval '400 days' "
                     + "WHERE id IN ('due1', 'due2')")) {
            ps.executeUpdate();
        }
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    /** A console client of {@code id} with a fresh session; its CSRF token. */
    private record Session(ConsoleHttp http, String csrf) {
    }

    private static Session session(String id) throws Exception {
        Reply r = desk.as(id).login(PASSWORD, TERMINAL);
        assertThat(r.status()).isEqualTo(200);
        return new Session(new ConsoleHttp(id, desk.origin()).cookie(r.json().path("token").asText()),
                r.json().path("csrf").asText());
    }

    @Test
    void everyFormOfTheRegisterAndPasswordPagesCarriesTheSessionsCsrfToken() throws Exception {
        Session admin = session(ADMIN);
        int forms = 0;
        for (String page : List.of("/console/", "/console/operators", "/console/operators/report", "/console/password")) {
            HttpResponse<String> r = admin.http().get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).as(page).hasValue("no-store");
            List<String> found = ConsoleHttp.forms(r.body());
            assertThat(found).as(page + ": at least the logout form").isNotEmpty();
            for (String form : found) {
                assertThat(form).as(page + ": " + form.substring(0, Math.min(80, form.length())))
                        .contains("method=\"post\"").contains("name=\"_csrf\" value=\"" + admin.csrf() + "\"");
            }
            forms += found.size();
        }
        // home 1, register 1 + 7, report 1 + at least 1 (the review of due1), password 1 + 1
        assertThat(forms).isGreaterThanOrEqualTo(13);
    }

    @Test
    void aPostWithoutTheTokenWithAnotherTokenOrFromAnotherOriginIsRefusedAndChangesNothing() throws Exception {
        Session admin = session(ADMIN);
        Map<String, String> issue = fields("id", "csrf1", "displayName", "試験 一", "role-searcher", "on", "terminals", TERMINAL,
                "initialPassword", NEW_PASSWORD);

        HttpResponse<String> none = admin.http().post("/console/operators/issue", issue, Map.of());
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("C403").doesNotContain(NEW_PASSWORD);
        Map<String, String> other = fields("_csrf", "x".repeat(43));
        other.putAll(issue);
        assertThat(admin.http().post("/console/operators/issue", other, Map.of()).statusCode()).isEqualTo(403);
        Map<String, String> right = fields("_csrf", admin.csrf());
        right.putAll(issue);
        HttpResponse<String> elsewhere = admin.http().post("/console/operators/issue", right,
                Map.of("Origin", "https://elsewhere.example"));
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(elsewhere.body()).contains("C403");
        HttpResponse<String> crossSite = admin.http().post("/console/operators/issue", right, Map.of("Sec-Fetch-Site", "cross-site"));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> password = admin.http().post("/console/password",
                fields("current", PASSWORD, "new", NEW_PASSWORD, "again", NEW_PASSWORD), Map.of());
        assertThat(password.statusCode()).isEqualTo(403);
        assertThat(password.body()).contains("C403");

        assertThat(desk.gw.queryLong("SELECT count(*) FROM operator.operator WHERE id = 'csrf1'")).isZero();
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'C403' "
                + "AND operator_id = ?", ADMIN)).as("refusals with a session name its operator").isGreaterThanOrEqualTo(3);
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'C403' "
                + "AND peer = 'op-admin1'")).isGreaterThanOrEqualTo(5);

        HttpResponse<String> made = admin.http().post("/console/operators/issue", right, Map.of("Origin", desk.origin()));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(303);
        assertThat(made.headers().firstValue("Location")).hasValue("/console/operators?done=issue");
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'OPERATOR_REGISTER' AND msg_id = 'csrf1' "
                + "AND operator_id = ? AND status = 'ALLOWED'", ADMIN)).isEqualTo(1);
        HttpResponse<String> list = admin.http().get("/console/operators?done=issue");
        assertThat(list.body()).contains("id=\"done\"").contains("id=\"op-csrf1\"").doesNotContain(NEW_PASSWORD);
    }

    @Test
    void anAuditorReadsTheRegisterAndTheReportWithoutFormsAndCannotChangeIt() throws Exception {
        Session auditor = session("aud1");
        HttpResponse<String> list = auditor.http().get("/console/operators");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("id=\"op-admin1\"").doesNotContain("id=\"issue-form\"");
        assertThat(ConsoleHttp.forms(list.body())).as("the logout form only").hasSize(1);
        HttpResponse<String> report = auditor.http().get("/console/operators/report");
        assertThat(report.body()).contains("id=\"not-reviewed\"").contains("id=\"op-due1\"").doesNotContain("id=\"review-due1\"");

        Map<String, String> review = fields("_csrf", auditor.csrf(), "id", "due1");
        HttpResponse<String> refused = auditor.http().post("/console/operators/review", review, Map.of());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("P403");
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'P403' "
                + "AND operator_id = 'aud1' AND detail = 'OPERATORS_MANAGE'")).isPositive();
    }

    @Test
    void aRefusalOfTheRegisterShowsItsCodeOnAPageWithTheMatchingStatus() throws Exception {
        Session admin = session(ADMIN);
        HttpResponse<String> self = admin.http().post("/console/operators/grant",
                fields("_csrf", admin.csrf(), "id", ADMIN, "role", "searcher"), Map.of());
        assertThat(self.statusCode()).isEqualTo(403);
        assertThat(self.body()).contains("<code id=\"code\">O403</code>");
        HttpResponse<String> missing = admin.http().post("/console/operators/unlock", fields("_csrf", admin.csrf(), "id", "nobody9"),
                Map.of());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("O404");
        HttpResponse<String> reviewed = admin.http().post("/console/operators/review",
                fields("_csrf", admin.csrf(), "id", "due2", "next", "report"), Map.of());
        assertThat(reviewed.statusCode()).isEqualTo(303);
        assertThat(reviewed.headers().firstValue("Location")).hasValue("/console/operators/report?done=review");
        String report = admin.http().get("/console/operators/report?done=review").body();
        assertThat(report).contains("id=\"done\"").doesNotContain("id=\"review-due2\"");
    }

    @Test
    void theLockScriptAndTheStyleSheetAreServedAsWhatTheyAre() throws Exception {
        ConsoleHttp anyone = new ConsoleHttp("aud1", desk.origin());
        HttpResponse<String> js = anyone.get("/console/static/console.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(js.body()).contains("location.replace('/console/lock')");
        HttpResponse<String> css = anyone.get("/console/static/console.css");
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(css.body()).contains("body {");
    }
}

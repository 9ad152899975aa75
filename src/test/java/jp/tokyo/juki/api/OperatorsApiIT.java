package jp.tokyo.juki.api;

import static jp.tokyo.juki.testkit.OperatorDesk.ADMIN;
import static jp.tokyo.juki.testkit.OperatorDesk.PASSWORD;
import static jp.tokyo.juki.testkit.OperatorDesk.TERMINAL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Api;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import jp.tokyo.juki.testkit.OperatorDesk.Run;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator register through the operator API (issue 12 items 1 and 3), over real TLS against
 * a real gateway and database: an administrator issues and changes operators, each change an audit
 * record with the administrator as operator; auditors read the register and the yearly review
 * report; the register's refusals keep their codes with the matching status; other roles are refused
 * (P403, audited); every operator changes their own password; no answer and no audit record holds a
 * password.
 */
class OperatorsApiIT {
    private static final String NEW_PASSWORD = "Maple lantern river 58";
    static OperatorDesk desk;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(false, Map.of());
        desk.issue("aud1", Role.AUDITOR).issue("mgr1", Role.MANAGER).issue("ono1", Role.SEARCHER)
                .issue("self1", Role.SEARCHER).issue("old1", Role.MAINTAINER);
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    @Test
    void anAdministratorIssuesAnOperatorWhoCanThenLogInAndTheIssueIsAuditedWithTheAdministrator() throws Exception {
        Api admin = desk.login(ADMIN);
        ObjectNode body = OperatorDesk.body().put("id", "kimura").put("displayName", "木村 花子")
                .put("initialPassword", NEW_PASSWORD);
        body.putArray("roles").add("searcher");
        body.putArray("terminals").add(TERMINAL).add("WS-02");
        Reply r = admin.post("/api/operators/issue", body);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("id").asText()).isEqualTo("kimura");
        assertThat(r.json().path("roles").toString()).isEqualTo("[\"searcher\"]");
        assertThat(r.json().path("terminals").toString()).isEqualTo("[\"ws-01\",\"ws-02\"]");
        assertThat(r.json().path("status").asText()).isEqualTo("ACTIVE");
        assertThat(r.json().path("issuedBy").asText()).isEqualTo(ADMIN);
        assertThat(r.body()).doesNotContain(NEW_PASSWORD).doesNotContainIgnoringCase("password");
        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND operator_id = ? AND msg_id = 'kimura' AND status = 'ALLOWED' "
                + "AND code = 'O200'", ADMIN)).isEqualTo(1);
        assertThat(count("msg_type = 'API_REQUEST' AND operator_id = ? AND terminal_id = ? AND detail = 'OPERATORS_MANAGE'",
                ADMIN, TERMINAL)).isPositive();
        assertNoPasswordInTheAudit(NEW_PASSWORD);

        TestPki.operatorCertificate("kimura");
        Api kimura = desk.as("kimura");
        assertThat(kimura.login(NEW_PASSWORD, "ws-02").status()).isEqualTo(200);
        assertThat(kimura.post("/api/session/whoami", OperatorDesk.body()).json().path("roles").toString())
                .isEqualTo("[\"searcher\"]");
    }

    @Test
    void anAdministratorChangesAnOperatorStepByStepAndEachChangeIsAuditedWithTheAdministrator() throws Exception {
        Api admin = desk.login(ADMIN);
        Reply granted = admin.post("/api/operators/grant", id("ono1").put("role", "manager"));
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.json().path("roles").toString()).isEqualTo("[\"manager\",\"searcher\"]");
        Reply withdrawn = admin.post("/api/operators/withdraw", id("ono1").put("role", "searcher"));
        assertThat(withdrawn.json().path("roles").toString()).isEqualTo("[\"manager\"]");
        ObjectNode terminals = id("ono1");
        terminals.putArray("terminals").add(TERMINAL).add("ws-09");
        assertThat(admin.post("/api/operators/terminals", terminals).json().path("terminals").toString())
                .isEqualTo("[\"ws-01\",\"ws-09\"]");
        Reply reviewed = admin.post("/api/operators/review", id("ono1"));
        assertThat(reviewed.json().path("lastReviewedAt").isTextual()).isTrue();
        assertThat(admin.post("/api/operators/unlock", id("ono1")).status()).isEqualTo(200);

        Api ono = desk.login("ono1");
        Reply reset = admin.post("/api/operators/reset-password", id("ono1").put("password", NEW_PASSWORD));
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.body()).doesNotContain(NEW_PASSWORD);
        assertThat(ono.post("/api/session/whoami", OperatorDesk.body()).code()).as("a reset ends their sessions").isEqualTo("S401");
        assertThat(desk.as("ono1").login(PASSWORD, TERMINAL).code()).isEqualTo("L401");
        assertThat(desk.as("ono1").login(NEW_PASSWORD, "ws-09").status()).isEqualTo(200);

        Reply revoked = admin.post("/api/operators/revoke", id("ono1").put("reason", "異動のため"));
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("status").asText()).isEqualTo("REVOKED");
        assertThat(revoked.json().path("revokedAt").isTextual()).isTrue();

        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND operator_id = ? AND msg_id = 'ono1' AND status = 'ALLOWED'", ADMIN))
                .as("issue, grant, withdraw, terminals, review, unlock, reset, revoke").isEqualTo(8);
        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND operator_id = ? AND msg_id = 'ono1' AND detail LIKE 'revoked%' "
                + "AND reason = '異動のため'", ADMIN)).isEqualTo(1);
        assertNoPasswordInTheAudit(NEW_PASSWORD);
    }

    @Test
    void theRegistersRefusalsKeepTheirCodesWithTheMatchingStatusAndAreAudited() throws Exception {
        Api admin = desk.login(ADMIN);
        refused(admin.post("/api/operators/grant", id(ADMIN).put("role", "searcher")), 403, "O403");
        refused(admin.post("/api/operators/grant", id("nobody1").put("role", "searcher")), 404, "O404");
        refused(admin.post("/api/operators/grant", id("aud1").put("role", "administrator")), 403, "O403");
        refused(admin.post("/api/operators/grant", id("aud1").put("role", "superuser")), 400, "O400");
        refused(admin.post("/api/operators/withdraw", id("aud1").put("role", "manager")), 409, "O409");
        refused(admin.post("/api/operators/revoke", id("aud1")), 400, "O400");
        ObjectNode again = OperatorDesk.body().put("id", "mgr1").put("displayName", "重複").put("initialPassword", NEW_PASSWORD);
        again.putArray("roles").add("searcher");
        again.putArray("terminals").add(TERMINAL);
        refused(admin.post("/api/operators/issue", again), 409, "O409");
        ObjectNode weak = OperatorDesk.body().put("id", "weak1").put("displayName", "弱い").put("initialPassword", "password");
        weak.putArray("roles").add("searcher");
        weak.putArray("terminals").add(TERMINAL);
        Reply w = admin.post("/api/operators/issue", weak);
        refused(w, 400, "O400");
        assertThat(w.json().path("reason").asText()).doesNotContain("\"password\"");
        ObjectNode shape = OperatorDesk.body().put("id", "shape1").put("roles", "searcher");
        refused(admin.post("/api/operators/issue", shape), 400, "O400");

        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND operator_id = ? AND status = 'REFUSED' AND code = 'O403' "
                + "AND msg_id = ?", ADMIN, ADMIN)).isPositive();
        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND operator_id = ? AND status = 'REFUSED' AND code = 'O404' "
                + "AND msg_id = 'nobody1'", ADMIN)).isPositive();
        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND status = 'REFUSED' AND code = 'O409' AND msg_id = 'mgr1'"))
                .isPositive();
    }

    @Test
    void onlyAdministratorsChangeAndOnlyAdministratorsAndAuditorsReadEachRefusalAudited() throws Exception {
        Api auditor = desk.login("aud1");
        Api manager = desk.login("mgr1");
        refused(auditor.post("/api/operators/grant", id("mgr1").put("role", "searcher")), 403, "P403");
        refused(auditor.post("/api/operators/revoke", id("mgr1").put("reason", "試験")), 403, "P403");
        refused(manager.post("/api/operators/list", OperatorDesk.body()), 403, "P403");
        refused(manager.post("/api/operators/review-report", OperatorDesk.body()), 403, "P403");
        refused(desk.as("mgr1").post("/api/operators/list", OperatorDesk.body()), 401, "S401");

        Reply list = auditor.post("/api/operators/list", OperatorDesk.body());
        assertThat(list.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        list.json().path("operators").forEach(o -> ids.add(o.path("id").asText()));
        assertThat(ids).contains(ADMIN, "aud1", "mgr1");
        assertThat(list.body()).doesNotContain("argon2").doesNotContain("password");

        assertThat(count("msg_type = 'API_REFUSED' AND operator_id = 'aud1' AND code = 'P403' AND detail = 'OPERATORS_MANAGE'"))
                .isGreaterThanOrEqualTo(2);
        assertThat(count("msg_type = 'API_REFUSED' AND operator_id = 'mgr1' AND code = 'P403' AND detail = 'OPERATORS_READ'"))
                .isGreaterThanOrEqualTo(2);
        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND msg_id = 'mgr1' AND status = 'ALLOWED' AND detail LIKE 'revoked%'"))
                .isZero();
    }

    @Test
    void theYearlyReviewReportListsWhoWasNotReviewedForAYearAndWhoHasNotLoggedInFor90Days() throws Exception {
        try (Connection c = desk.gw.gateway.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE operator.operator SET issued_at = now() - interval '400 days', "
                     + "last_login_at = now() - interval '100 days' WHERE id = 'old1'")) {
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        Reply r = desk.login("aud1").post("/api/operators/review-report", OperatorDesk.body());
        assertThat(r.status()).isEqualTo(200);
        assertThat(ids(r.json().path("notReviewed"))).contains("old1").doesNotContain(ADMIN);
        assertThat(ids(r.json().path("noRecentLogin"))).contains("old1").doesNotContain(ADMIN);

        assertThat(desk.login(ADMIN).post("/api/operators/review", id("old1")).status()).isEqualTo(200);
        Reply after = desk.login("aud1").post("/api/operators/review-report", OperatorDesk.body());
        assertThat(ids(after.json().path("notReviewed"))).doesNotContain("old1");
        assertThat(ids(after.json().path("noRecentLogin"))).contains("old1");
    }

    @Test
    void everyOperatorChangesTheirOwnPasswordWithTheCurrentOne() throws Exception {
        Api self = desk.login("self1");
        Reply wrong = self.post("/api/session/password", OperatorDesk.body().put("current", "not my password 1").put("new", NEW_PASSWORD));
        refused(wrong, 403, "O401");
        assertThat(wrong.body()).doesNotContain("not my password").doesNotContain(NEW_PASSWORD);
        refused(self.post("/api/session/password", OperatorDesk.body().put("current", PASSWORD).put("new", "short")), 400, "O400");

        Reply ok = self.post("/api/session/password", OperatorDesk.body().put("current", PASSWORD).put("new", NEW_PASSWORD));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.code()).isEqualTo("O200");
        assertThat(ok.body()).doesNotContain(NEW_PASSWORD);
        assertThat(desk.as("self1").login(NEW_PASSWORD, TERMINAL).status()).isEqualTo(200);
        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND operator_id = 'self1' AND msg_id = 'self1' AND status = 'ALLOWED' "
                + "AND detail = 'own password changed'")).isEqualTo(1);
        assertThat(count("msg_type = 'API_REQUEST' AND operator_id = 'self1' AND detail = 'SESSION'")).isPositive();
        assertNoPasswordInTheAudit(NEW_PASSWORD);
    }

    @Test
    void theCliIssuesChangesAndRevokesAnOperatorAsTheLoggedInAdministrator() throws Exception {
        Path initial = passwordFile(NEW_PASSWORD);
        Path reset = passwordFile("Copper meadow whistle 31");
        Run issued = cli(ADMIN, "operators", "issue", "cli1", "--name", "操作 試験", "--roles", "searcher",
                "--terminals", "ws-01,WS-03", "--initial-password-file", initial.toString());
        assertThat(issued.out()).contains("operator cli1 issued: roles searcher; terminals ws-01,ws-03")
                .contains("pki issue-operator cli1");
        assertThat(cli(ADMIN, "operators", "grant", "cli1", "manager").out())
                .contains("operator cli1: role manager granted; roles now manager,searcher");
        assertThat(cli(ADMIN, "operators", "withdraw", "cli1", "searcher").out())
                .contains("operator cli1: role searcher withdrawn; roles now manager");
        assertThat(cli(ADMIN, "operators", "terminals", "cli1", "ws-01", "ws-04").out()).contains("operator cli1: terminals now ws-01,ws-04");
        assertThat(cli(ADMIN, "operators", "review", "cli1").out()).containsPattern("operator cli1 reviewed at 20\\d\\d-");
        assertThat(cli(ADMIN, "operators", "unlock", "cli1").out()).contains("operator cli1 unlocked");
        assertThat(cli(ADMIN, "operators", "reset-password", "cli1", "--new-password-file", reset.toString()).out())
                .contains("operator cli1: password reset");
        Run list = cli("aud1", "operators", "list");
        assertThat(list.out()).containsPattern("(?m)^ID +STATUS +ROLES").containsPattern("(?m)^cli1 +ACTIVE +manager +ws-01,ws-04 ")
                .contains("操作 試験").containsPattern("operator\\(s\\)");
        assertThat(cli("aud1", "operators", "report").out()).contains("yearly review of the operator register as of")
                .contains("not reviewed for 12 months:").contains("no login for 90 days:");
        assertThat(cli(ADMIN, "operators", "revoke", "cli1", "--reason", "退職").out()).containsPattern("operator cli1 revoked at 20");
        assertThat(cli("aud1", "operators", "list").out()).containsPattern("(?m)^cli1 +REVOKED ");

        assertThat(count("msg_type = 'OPERATOR_REGISTER' AND operator_id = ? AND msg_id = 'cli1' AND status = 'ALLOWED'", ADMIN))
                .as("issue, grant, withdraw, terminals, review, unlock, reset, revoke").isEqualTo(8);
        assertThat(count("msg_type = 'API_REQUEST' AND operator_id = ? AND detail = 'OPERATORS_MANAGE' AND reason = '退職'", ADMIN))
                .as("the gate's record carries the reason").isEqualTo(1);
        assertNoPasswordInTheAudit(NEW_PASSWORD);
        assertNoPasswordInTheAudit("Copper meadow whistle 31");
    }

    @Test
    void theCliPrintsARefusalsCodeAndExitsOneAndRefusesAPasswordFileOthersMayRead() throws Exception {
        Run self = desk.cli(ADMIN, "operators", "grant", ADMIN, "searcher");
        assertThat(self.exit()).isEqualTo(1);
        assertThat(self.err()).startsWith("O403: ");
        Path initial = passwordFile(NEW_PASSWORD);
        Run auditor = desk.cli("aud1", "operators", "issue", "cli2", "--name", "操作 二", "--roles", "searcher",
                "--terminals", TERMINAL, "--initial-password-file", initial.toString());
        assertThat(auditor.exit()).isEqualTo(1);
        assertThat(auditor.err()).startsWith("P403: ");
        Path open = passwordFile(NEW_PASSWORD);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Run loose = desk.cli(ADMIN, "operators", "issue", "cli3", "--name", "操作 三", "--roles", "searcher",
                "--terminals", TERMINAL, "--initial-password-file", open.toString());
        assertThat(loose.exit()).isEqualTo(1);
        assertThat(loose.err()).contains("chmod 600").doesNotContain(NEW_PASSWORD);
        assertThat(desk.gw.queryLong("SELECT count(*) FROM operator.operator WHERE id IN ('cli2', 'cli3')")).isZero();
    }

    @Test
    void anOperatorChangesTheirOwnPasswordWithTheCli() throws Exception {
        desk.issue("self2", Role.MAINTAINER);
        Run r = cli("self2", "operators", "password", "--new-password-file", passwordFile(NEW_PASSWORD).toString());
        assertThat(r.out()).contains("your password was changed");
        assertThat(r.out() + r.err()).doesNotContain(NEW_PASSWORD).doesNotContain(PASSWORD);
        assertThat(desk.as("self2").login(NEW_PASSWORD, TERMINAL).status()).isEqualTo(200);
    }

    /** A CLI run that must succeed. */
    private static Run cli(String id, String... args) throws Exception {
        Run r = desk.cli(id, args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    private static Path passwordFile(String password) throws Exception {
        Path f = Files.createTempFile("juki-op-pw", ".txt", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, password + "\n");
        f.toFile().deleteOnExit();
        return f;
    }

    private static ObjectNode id(String id) {
        return OperatorDesk.body().put("id", id);
    }

    private static void refused(Reply r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.code()).isEqualTo(code);
    }

    private static List<String> ids(JsonNode operators) {
        List<String> ids = new ArrayList<>();
        operators.forEach(o -> ids.add(o.path("id").asText()));
        return ids;
    }

    private static long count(String where, Object... args) throws Exception {
        return desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE " + where, args);
    }

    private static void assertNoPasswordInTheAudit(String password) throws Exception {
        assertThat(count("position(? in coalesce(detail, '') || coalesce(reason, '') || coalesce(msg_id, '')) > 0", password))
                .isZero();
    }
}

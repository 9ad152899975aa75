package jp.tokyo.juki.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Api;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator port as an operator's client meets it (issue 12 points 2 and 4): TLS 1.3 with an
 * operator's certificate required in the handshake, the password as second factor with the lockout,
 * sessions bound to the certificate, refusals with codes (audited), and the security headers — over
 * real TLS against a real gateway and database.
 */
class OperatorPortIT {
    static OperatorDesk desk;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(false, Map.of());
        desk.issue("mgr1", Role.MANAGER).issue("srch1", Role.SEARCHER).issue("lock1", Role.SEARCHER)
                .issue("gone1", Role.SEARCHER);
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    @Test
    void anOperatorLogsInWithCertificateAndPasswordAndTheSessionKnowsRolesAndTerminal() throws Exception {
        Api api = desk.login("mgr1");
        Reply who = api.post("/api/session/whoami", OperatorDesk.body());
        assertThat(who.status()).isEqualTo(200);
        assertThat(who.json().path("operator").asText()).isEqualTo("mgr1");
        assertThat(who.json().path("roles").toString()).isEqualTo("[\"manager\"]");
        assertThat(who.json().path("terminal").asText()).isEqualTo(OperatorDesk.TERMINAL);
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REQUEST' AND operator_id = 'mgr1' "
                + "AND terminal_id = ? AND detail = 'SESSION'", OperatorDesk.TERMINAL)).isPositive();
        Reply out = api.post("/api/session/logout", OperatorDesk.body());
        assertThat(out.status()).isEqualTo(200);
        Reply after = api.post("/api/session/whoami", OperatorDesk.body());
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.code()).isEqualTo("S401");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoRequestHeaderIsEchoed() throws Exception {
        Api api = desk.login("srch1");
        Reply r = api.post("/api/session/whoami", "{}", "application/json", Map.of("Cookie", "planted=secret-value"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("cookie") || h.equalsIgnoreCase("authorization")
                || h.toLowerCase().startsWith("camel"));
        assertThat(r.body()).doesNotContain("secret-value");
    }

    @Test
    void aRequestWithoutASessionOrWithAMalformedBodyIsRefusedWithACodeAndAudited() throws Exception {
        Api api = desk.as("srch1");
        Reply none = api.post("/api/session/whoami", OperatorDesk.body());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("S401");
        Reply bad = desk.login("srch1").post("/api/session/whoami", "[1,2", "application/json", Map.of());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("A400");
        assertThat(bad.body()).doesNotContain("[1,2");
        Reply badForm = desk.login("srch1").post("/api/session/whoami", "a=%zz", "application/x-www-form-urlencoded", Map.of());
        assertThat(badForm.status()).isEqualTo(400);
        assertThat(badForm.code()).isEqualTo("A400");
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'S401' "
                + "AND peer = 'op-srch1'")).isPositive();
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'A400'"))
                .isPositive();
        // refused after the gate, by the action itself (a login without a terminal): audited all the same
        long before = desk.gw.queryLong("SELECT coalesce(max(seq), 0) FROM audit.record");
        Reply noTerminal = desk.as("srch1").post("/api/session/login", OperatorDesk.body().put("password", "x"));
        assertThat(noTerminal.status()).isEqualTo(400);
        assertThat(noTerminal.code()).isEqualTo("A400");
        // recorded once the answer is out (nothing was done, so nothing waits for it)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(desk.gw.queryLong("SELECT count(*) FROM "
                + "audit.record WHERE seq > ? AND msg_type = 'API_REFUSED' AND code = 'A400' AND detail = 'LOGIN' "
                + "AND peer = 'op-srch1'", before)).isEqualTo(1));
    }

    @Test
    void fiveWrongPasswordsLockTheOperatorOutAndEachAttemptIsAudited() throws Exception {
        Api api = desk.as("lock1");
        for (int i = 0; i < 5; i++) {
            Reply r = api.login("wrong password " + i, OperatorDesk.TERMINAL);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("L401");
            assertThat(r.body()).doesNotContain("wrong password");
        }
        Reply locked = api.login(OperatorDesk.PASSWORD, OperatorDesk.TERMINAL);
        assertThat(locked.status()).isEqualTo(401);
        assertThat(locked.code()).isEqualTo("L423");
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'OPERATOR_LOGIN' "
                + "AND operator_id = 'lock1' AND status = 'REFUSED'")).isEqualTo(6);
    }

    @Test
    void aSessionTokenReplayedWithAnotherOperatorsCertificateIsRefused() throws Exception {
        Api mine = desk.login("mgr1");
        Api other = desk.as("srch1").token(mine.token());
        Reply r = other.post("/api/session/whoami", OperatorDesk.body());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("S403");
    }

    @Test
    void aCertificateThatIsNotAnOperatorsIsRefusedInTheHandshake() throws Exception {
        assertThatThrownBy(() -> call(TestPki.client(Identities.cs(TestPki.CHIYODA)))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> call(TestPki.anonymous())).isInstanceOf(IOException.class);
    }

    @Test
    void aRevokedOperatorCertificateIsRefusedInTheHandshakeAndItsSessionEnds() throws Exception {
        Api api = desk.login("gone1");
        assertThat(api.post("/api/session/whoami", OperatorDesk.body()).status()).isEqualTo(200);
        new DevPki(TestPki.dir(), TestPki.PASSWORD).revoke(Identities.operator("gone1"));
        // the CRL is re-read within juki.crl.check-seconds (1 s in tests); an open connection is cut at its next request
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThatThrownBy(() -> desk.login("gone1"))
                .isInstanceOf(IOException.class));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            try {
                assertThat(api.post("/api/session/whoami", OperatorDesk.body()).status()).isEqualTo(401);
            } catch (IOException closed) {
                // refused in a new handshake: as good
            }
        });
    }

    private static int call(SSLContext tls) throws Exception {
        HttpClient c = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        return c.send(HttpRequest.newBuilder(URI.create(desk.origin() + "/api/session/whoami"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}

package jp.tokyo.juki.operator;

import static jp.tokyo.juki.operator.OperatorDb.ADMIN;
import static jp.tokyo.juki.operator.OperatorDb.TERMINAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import jp.tokyo.juki.operator.OperatorDb.Audited;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions (issue 12 item 2) against a real PostgreSQL with a clock the test moves: 10 idle minutes
 * end a session (S440, the terminal lock), 8 hours end it however busy (S441), a token presented
 * with another certificate is refused (S403: a cookie replayed elsewhere), a withdrawn role is gone
 * at the next request and a revocation ends the session; the sweep ends expired ones; each end is
 * audited once. Only the token's hash is stored.
 */
class SessionsIT {
    private static final String FP = "0f".repeat(32);
    private static final String OTHER_FP = "a1".repeat(32);
    private static final String PASSWORD = "Wisteria kettle mango 74";
    private static OperatorDb db;
    private static Operators ops;
    private static Sessions sessions;

    @BeforeAll
    static void start() throws Exception {
        db = OperatorDb.start();
        ops = db.operators();
        sessions = ops.sessions();
        db.bootstrap(ops);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void mark() throws Exception {
        db.markAudit();
    }

    /** Issues {@code id} (manager, searcher) and logs them in: the token. */
    private static String loggedIn(String id) throws Exception {
        if (ops.register().find(id).isEmpty()) {
            ops.register().issue(ADMIN, id, "試験 " + id, Set.of(Role.MANAGER, Role.SEARCHER), Set.of(TERMINAL),
                    PASSWORD.toCharArray());
        }
        Logins.LoggedIn in = (Logins.LoggedIn) ops.logins().login(id, FP, PASSWORD.toCharArray(), TERMINAL);
        db.markAudit();
        return in.token();
    }

    private static String code(Sessions.Resolution r) {
        return r instanceof Sessions.Refused no ? no.code() : "OK";
    }

    @Test
    void aTokenResolvesToItsOperatorWithRolesTerminalAndCsrfToken() throws Exception {
        String token = loggedIn("tanaka");
        Sessions.Resolution r = sessions.resolve(token, FP.toUpperCase());
        assertThat(r).isInstanceOf(Authenticated.class);
        Authenticated a = (Authenticated) r;
        assertThat(a.operatorId()).isEqualTo("tanaka");
        assertThat(a.displayName()).isEqualTo("試験 tanaka");
        assertThat(a.roles()).containsExactlyInAnyOrder(Role.MANAGER, Role.SEARCHER);
        assertThat(a.terminal()).isEqualTo(TERMINAL);
        assertThat(a.createdAt()).isEqualTo(db.clock.instant());
        assertThat(a.may(Permission.APPROVALS_DECIDE)).isTrue();
        assertThat(a.may(Permission.OPERATORS_MANAGE)).isFalse();
        assertThat(code(sessions.resolve("x" + token.substring(1), FP))).isEqualTo("S401");
        assertThat(code(sessions.resolve(null, FP))).isEqualTo("S401");
        // only the token's SHA-256 is stored
        assertThat(db.scalar("SELECT count(*) FROM operator.session WHERE position(? in encode(token_hash, 'escape')) > 0 "
                + "OR csrf_token = ?", token, token)).isZero();
        assertThat(db.scalar("SELECT count(*) FROM operator.session WHERE token_hash = sha256(decode(translate(?, '-_', '+/')"
                + " || '=', 'base64'))", token)).isEqualTo(1);
        assertThat(token.getBytes(StandardCharsets.US_ASCII)).hasSize(43);
    }

    @Test
    void aTokenPresentedWithAnotherCertificateIsRefusedAndTheSessionStays() throws Exception {
        String token = loggedIn("kato");
        assertThat(code(sessions.resolve(token, OTHER_FP))).isEqualTo("S403");
        assertThat(code(sessions.resolve(token, null))).isEqualTo("S403");
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("OK");
        assertThat(db.audit("OPERATOR_SESSION")).isEmpty();
    }

    @Test
    void tenIdleMinutesEndTheSessionOnceAndAuditIt() throws Exception {
        String token = loggedIn("suzuki");
        db.clock.advance(Duration.ofMinutes(9));
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("OK");
        // idle is counted from the last request
        db.clock.advance(Duration.ofMinutes(9));
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("OK");
        db.clock.advance(Duration.ofMinutes(10));
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("S440");
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("S401");
        List<Audited> ends = db.audit("OPERATOR_SESSION");
        assertThat(ends).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo("S440");
            assertThat(e.status()).isEqualTo("CLOSED");
            assertThat(e.peer()).isEqualTo("operator:suzuki");
            assertThat(e.detail()).isEqualTo("session ended: idle");
            assertThat(e.messageId()).startsWith("s-");
        });
        assertThat(db.text("SELECT end_reason FROM operator.session WHERE operator_id = 'suzuki'")).isEqualTo("idle");
    }

    @Test
    void eightHoursEndTheSessionHoweverBusy() throws Exception {
        String token = loggedIn("yamada");
        for (int i = 0; i < 53; i++) {
            db.clock.advance(Duration.ofMinutes(9));
            assertThat(code(sessions.resolve(token, FP))).as("after %d minutes", (i + 1) * 9).isEqualTo("OK");
        }
        db.clock.advance(Duration.ofMinutes(3));
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("S441");
        assertThat(db.audit("OPERATOR_SESSION")).extracting(Audited::code).containsExactly("S441");
    }

    @Test
    void aWithdrawnRoleIsGoneAtTheNextRequestAndARevocationEndsTheSession() throws Exception {
        String token = loggedIn("mori");
        ops.register().withdraw(ADMIN, "mori", Role.MANAGER);
        Authenticated a = (Authenticated) sessions.resolve(token, FP);
        assertThat(a.roles()).containsExactly(Role.SEARCHER);
        assertThat(a.may(Permission.APPROVALS_DECIDE)).isFalse();
        ops.register().revoke(ADMIN, "mori", "left the office");
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("S401");
        assertThat(db.audit("OPERATOR_SESSION")).singleElement().satisfies(e -> assertThat(e.detail()).endsWith("revoked"));
        assertThat(db.audit("OPERATOR_REGISTER")).last()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("revoked; 1 session(s) ended"));
    }

    @Test
    void aPasswordResetEndsTheOperatorsSessions() throws Exception {
        String first = loggedIn("ueda");
        String second = loggedIn("ueda");
        assertThat(sessions.openCount("ueda")).isEqualTo(2);
        ops.register().resetPassword(ADMIN, "ueda", "Cobalt lantern spruce 58".toCharArray());
        assertThat(code(sessions.resolve(first, FP))).isEqualTo("S401");
        assertThat(code(sessions.resolve(second, FP))).isEqualTo("S401");
        assertThat(db.audit("OPERATOR_SESSION")).hasSize(2);
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        String token = loggedIn("honda");
        assertThat(sessions.logout(token)).isTrue();
        assertThat(sessions.logout(token)).isFalse();
        assertThat(code(sessions.resolve(token, FP))).isEqualTo("S401");
        assertThat(db.audit("OPERATOR_SESSION")).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo("S200");
            assertThat(e.detail()).isEqualTo("session ended: logout");
        });
    }

    @Test
    void theSweepEndsExpiredSessionsEachAuditedOnce() throws Exception {
        String idle = loggedIn("ishii");
        db.clock.advance(Duration.ofMinutes(6));
        String fresh = loggedIn("ogawa");
        db.clock.advance(Duration.ofMinutes(5));
        int ended = sessions.sweep();
        assertThat(ended).isGreaterThanOrEqualTo(1);
        assertThat(sessions.sweep()).isZero();
        assertThat(code(sessions.resolve(fresh, FP))).isEqualTo("OK");
        assertThat(code(sessions.resolve(idle, FP))).isEqualTo("S401");
        List<Audited> ends = db.audit("OPERATOR_SESSION");
        assertThat(ends).hasSize(ended).extracting(Audited::code).isSubsetOf("S440", "S441");
        assertThat(ends).extracting(Audited::peer).contains("operator:ishii").doesNotContain("operator:ogawa");
        assertThat(db.chainIntact()).isTrue();
    }
}

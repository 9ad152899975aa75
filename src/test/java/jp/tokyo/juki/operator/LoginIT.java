package jp.tokyo.juki.operator;

import static jp.tokyo.juki.operator.OperatorDb.ADMIN;
import static jp.tokyo.juki.operator.OperatorDb.TERMINAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.tokyo.juki.operator.OperatorDb.Audited;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logins (issue 12 item 2) against a real PostgreSQL with a clock the test moves: five wrong
 * passwords lock the operator out for 15 minutes — the right one is refused meanwhile (L423) and
 * accepted after; an unknown or revoked ID gets the same answer as a wrong password (L401); a
 * terminal not in the operator's list is refused (L403); every attempt is audited with the operator
 * and terminal given; a stored hash of older parameters is renewed at the next login.
 */
class LoginIT {
    private static final String FP = "0f".repeat(32);
    private static final String PASSWORD = "Wisteria kettle mango 74";
    private static OperatorDb db;
    private static Operators ops;
    private static Logins logins;

    @BeforeAll
    static void start() throws Exception {
        db = OperatorDb.start();
        ops = db.operators();
        logins = ops.logins();
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

    private static void issue(String id) throws Exception {
        ops.register().issue(ADMIN, id, "試験 " + id, Set.of(Role.MANAGER), Set.of(TERMINAL), PASSWORD.toCharArray());
        db.markAudit();
    }

    private static Logins.Result login(String id, String password) {
        return logins.login(id, FP, password.toCharArray(), TERMINAL);
    }

    private static String code(Logins.Result r) {
        return r instanceof Logins.Refused no ? no.code() : "OK";
    }

    @Test
    void theRightPasswordFromAnAllowedTerminalOpensASessionAndIsAudited() throws Exception {
        issue("tanaka");
        Logins.Result r = logins.login("tanaka", FP, PASSWORD.toCharArray(), "WS-01");
        assertThat(r).isInstanceOf(Logins.LoggedIn.class);
        Logins.LoggedIn in = (Logins.LoggedIn) r;
        assertThat(in.token()).matches("[A-Za-z0-9_-]{43}");
        assertThat(in.session().operatorId()).isEqualTo("tanaka");
        assertThat(in.session().roles()).containsExactly(Role.MANAGER);
        assertThat(in.session().terminal()).isEqualTo("ws-01");
        assertThat(in.session().csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(in.token());
        assertThat(ops.register().find("tanaka").orElseThrow().lastLoginAt()).isEqualTo(db.clock.instant());
        List<Audited> a = db.audit("OPERATOR_LOGIN");
        assertThat(a).hasSize(1);
        assertThat(a.get(0).status()).isEqualTo("ALLOWED");
        assertThat(a.get(0).code()).isEqualTo("L200");
        assertThat(a.get(0).peer()).isEqualTo("operator:tanaka");
        assertThat(a.get(0).messageId()).isEqualTo(in.session().session()).startsWith("s-");
        assertThat(db.allAuditText()).doesNotContain(in.token()).doesNotContain(PASSWORD);
    }

    @Test
    void fiveWrongPasswordsLockTheOperatorOutForFifteenMinutesThenTheRightOneWorks() throws Exception {
        issue("ogawa");
        for (int i = 1; i <= 5; i++) {
            assertThat(code(login("ogawa", "wrong password " + i))).as("attempt " + i).isEqualTo("L401");
        }
        // locked: the right password is refused without being checked
        assertThat(code(login("ogawa", PASSWORD))).isEqualTo("L423");
        assertThat(ops.register().find("ogawa").orElseThrow().lockedUntil())
                .isEqualTo(db.clock.instant().plus(Duration.ofMinutes(15)));
        db.clock.advance(Duration.ofMinutes(14));
        assertThat(code(login("ogawa", PASSWORD))).isEqualTo("L423");
        db.clock.advance(Duration.ofMinutes(1));
        assertThat(code(login("ogawa", PASSWORD))).isEqualTo("OK");

        List<Audited> a = db.audit("OPERATOR_LOGIN");
        assertThat(a).extracting(Audited::code).containsExactly("L401", "L401", "L401", "L401", "L401", "L423", "L423", "L200");
        assertThat(a).extracting(Audited::peer).containsOnly("operator:ogawa");
        assertThat(a.get(0).detail()).contains("wrong password (1 of 5)");
        assertThat(a.get(4).detail()).contains("wrong password (5 of 5)", "locked out for 15 minutes");
        assertThat(a.get(5).detail()).contains("locked out");
        assertThat(db.allAuditText()).doesNotContain("wrong password 1").doesNotContain(PASSWORD);
    }

    @Test
    void afterALockoutEndsTheCountStartsAgainAndAnAdministratorMayUnlockEarlier() throws Exception {
        issue("ishii");
        for (int i = 0; i < 5; i++) {
            login("ishii", "wrong password");
        }
        db.clock.advance(Duration.ofMinutes(15));
        assertThat(code(login("ishii", "wrong again"))).isEqualTo("L401");
        assertThat(code(login("ishii", PASSWORD))).isEqualTo("OK");
        for (int i = 0; i < 5; i++) {
            login("ishii", "wrong password");
        }
        assertThat(code(login("ishii", PASSWORD))).isEqualTo("L423");
        ops.register().unlock(ADMIN, "ishii");
        assertThat(code(login("ishii", PASSWORD))).isEqualTo("OK");
    }

    @Test
    void anUnknownOrRevokedIdGetsTheSameAnswerAsAWrongPassword() throws Exception {
        issue("kondo");
        Logins.Refused wrong = (Logins.Refused) login("kondo", "wrong password");
        Logins.Refused unknown = (Logins.Refused) login("nobody", PASSWORD);
        ops.register().revoke(ADMIN, "kondo", "left");
        db.markAudit();
        Logins.Refused revoked = (Logins.Refused) login("kondo", PASSWORD);
        assertThat(List.of(unknown, revoked)).allSatisfy(r -> assertThat(r).isEqualTo(wrong));
        assertThat(wrong.reason()).isEqualTo(Logins.WRONG);
        assertThat(db.audit("OPERATOR_LOGIN")).singleElement().satisfies(a -> {
            assertThat(a.code()).isEqualTo("L401");
            assertThat(a.detail()).contains("revoked operator");
        });
    }

    @Test
    void aTerminalNotInTheOperatorsListIsRefused() throws Exception {
        issue("fujita");
        Logins.Result r = logins.login("fujita", FP, PASSWORD.toCharArray(), "kiosk-7");
        assertThat(code(r)).isEqualTo("L403");
        assertThat(code(logins.login("fujita", FP, PASSWORD.toCharArray(), null))).isEqualTo("L403");
        assertThat(code(logins.login("fujita", null, PASSWORD.toCharArray(), TERMINAL))).isEqualTo("L400");
        assertThat(db.audit("OPERATOR_LOGIN")).extracting(Audited::code).containsExactly("L403", "L403", "L400");
        assertThat(ops.register().find("fujita").orElseThrow().lastLoginAt()).isNull();
    }

    @Test
    void aHashOfOlderParametersIsRenewedAtTheNextLogin() throws Exception {
        issue("hayashi");
        Operators stronger = db.operators(Map.of("juki.operator.argon2-memory-kib", "2048"));
        assertThat(code(stronger.logins().login("hayashi", FP, PASSWORD.toCharArray(), TERMINAL))).isEqualTo("OK");
        assertThat(db.text("SELECT password_hash FROM operator.operator WHERE id = 'hayashi'"))
                .startsWith("$argon2id$v=19$m=2048,t=1,p=1$");
        assertThat(db.audit("OPERATOR_LOGIN")).singleElement()
                .satisfies(a -> assertThat(a.detail()).contains("password hash renewed"));
        assertThat(code(login("hayashi", PASSWORD))).isEqualTo("OK");
    }

    @Test
    void anOperatorChangesTheirOwnPasswordWithTheCurrentOne() throws Exception {
        issue("abe");
        String fresh = "Cobalt lantern spruce 58";
        assertThatThrownBy(() -> logins.changePassword("abe", "not it".toCharArray(), fresh.toCharArray()))
                .hasMessageContaining("O401");
        assertThatThrownBy(() -> logins.changePassword("abe", PASSWORD.toCharArray(), "abe-password-2025".toCharArray()))
                .hasMessageContaining("O400");
        logins.changePassword("abe", PASSWORD.toCharArray(), fresh.toCharArray());
        assertThat(code(login("abe", PASSWORD))).isEqualTo("L401");
        assertThat(code(login("abe", fresh))).isEqualTo("OK");
        assertThat(db.audit("OPERATOR_REGISTER")).extracting(Audited::code).containsExactly("O401", "O400", "O200");
        assertThat(db.allAuditText()).doesNotContain(fresh);
        assertThat(db.chainIntact()).isTrue();
    }
}

package jp.tokyo.juki.operator;

import static jp.tokyo.juki.operator.OperatorDb.ADMIN;
import static jp.tokyo.juki.operator.OperatorDb.TERMINAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import jp.tokyo.juki.operator.OperatorDb.Audited;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator register (issue 12 item 1) against a real PostgreSQL: an administrator issues
 * operators, grants and withdraws roles, sets terminals, reviews and revokes; each change is an
 * audit record in the hash chain naming the administrator, the operator concerned and what changed,
 * never a password or a name. Refusals — self-grant, administrator with auditor, a revoked operator,
 * a weak password, a non-administrator — are audited too. The yearly review report lists who was not
 * reviewed for 12 months and who has not logged in for 90 days.
 */
class OperatorRegisterIT {
    private static OperatorDb db;
    private static Operators ops;
    private static OperatorRegister register;
    private static final String PASSWORD = "Wisteria kettle mango 74";

    @BeforeAll
    static void start() throws Exception {
        db = OperatorDb.start();
        ops = db.operators();
        register = ops.register();
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

    private static Operator issue(String id, Role... roles) throws Exception {
        return register.issue(ADMIN, id, "試験 " + id, EnumSet.copyOf(List.of(roles)), Set.of(TERMINAL, "WS-02"),
                PASSWORD.toCharArray());
    }

    private static Audited only(String type) throws Exception {
        List<Audited> records = db.audit(type);
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    @Test
    void anAdministratorIssuesAnOperatorAndTheIssueIsAuditedWithTheAdministrator() throws Exception {
        Operator o = issue("suzuki", Role.MANAGER, Role.SEARCHER);
        assertThat(o.id()).isEqualTo("suzuki");
        assertThat(o.roles()).containsExactlyInAnyOrder(Role.MANAGER, Role.SEARCHER);
        assertThat(o.terminals()).containsExactlyInAnyOrder("ws-01", "ws-02");
        assertThat(o.status()).isEqualTo(Operator.Status.ACTIVE);
        assertThat(o.issuedAt()).isEqualTo(db.clock.instant());
        assertThat(o.issuedBy()).isEqualTo(ADMIN);
        assertThat(register.find("suzuki")).contains(o);

        Audited a = only("OPERATOR_REGISTER");
        assertThat(a.line()).isEqualTo("operator");
        assertThat(a.peer()).isEqualTo("operator:" + ADMIN);
        assertThat(a.messageId()).isEqualTo("suzuki");
        assertThat(a.status()).isEqualTo("ALLOWED");
        assertThat(a.code()).isEqualTo("O200");
        assertThat(a.detail()).contains("issued", "manager", "searcher", "ws-01").doesNotContain("試験");
        assertThat(db.allAuditText()).doesNotContain(PASSWORD).doesNotContain("Wisteria");
        assertThat(db.text("SELECT password_hash FROM operator.operator WHERE id = 'suzuki'"))
                .startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
    }

    @Test
    void anIdIsIssuedOnceAndAWeakPasswordOrABadIdIsRefusedAndAudited() throws Exception {
        issue("kato", Role.SEARCHER);
        db.markAudit();
        assertThatThrownBy(() -> issue("kato", Role.SEARCHER)).isInstanceOf(OperatorRegister.Refused.class)
                .extracting(e -> ((OperatorRegister.Refused) e).code()).isEqualTo("O409");
        assertThatThrownBy(() -> register.issue(ADMIN, "ito", "伊藤", Set.of(Role.SEARCHER), Set.of(TERMINAL),
                "Password2025!".toCharArray())).hasMessageContaining("O400").hasMessageContaining("PWCOMMON");
        assertThatThrownBy(() -> register.issue(ADMIN, "I T O", "伊藤", Set.of(Role.SEARCHER), Set.of(TERMINAL),
                PASSWORD.toCharArray())).hasMessageContaining("O400");
        assertThatThrownBy(() -> register.issue(ADMIN, "ito", "伊藤", Set.of(Role.SEARCHER), Set.of(),
                PASSWORD.toCharArray())).hasMessageContaining("O400").hasMessageContaining("terminal");
        List<Audited> refused = db.audit("OPERATOR_REGISTER");
        assertThat(refused).extracting(Audited::status).containsOnly("REFUSED");
        assertThat(refused).extracting(Audited::code).containsExactly("O409", "O400", "O400", "O400");
        assertThat(refused.get(1).detail()).contains("PWCOMMON").doesNotContain("Password2025");
        assertThat(register.find("ito")).isEmpty();
    }

    @Test
    void rolesAreGrantedAndWithdrawnEachAudited() throws Exception {
        issue("yamada", Role.SEARCHER);
        db.markAudit();
        assertThat(register.grant(ADMIN, "yamada", Role.MANAGER).roles()).containsExactlyInAnyOrder(Role.SEARCHER, Role.MANAGER);
        assertThat(register.withdraw(ADMIN, "yamada", Role.SEARCHER).roles()).containsExactly(Role.MANAGER);
        assertThat(register.terminals(ADMIN, "yamada", Set.of("ws-09")).terminals()).containsExactly("ws-09");
        List<Audited> records = db.audit("OPERATOR_REGISTER");
        assertThat(records).extracting(Audited::detail)
                .containsExactly("granted role manager", "withdrew role searcher", "terminals now ws-09");
        assertThat(records).extracting(Audited::peer).containsOnly("operator:" + ADMIN);
        assertThat(records).extracting(Audited::messageId).containsOnly("yamada");
    }

    @Test
    void anAdministratorCannotGrantARoleToThemselvesAndTheAttemptIsAudited() throws Exception {
        assertThatThrownBy(() -> register.grant(ADMIN, ADMIN, Role.MANAGER)).isInstanceOf(OperatorRegister.Refused.class)
                .hasMessageContaining("O403").hasMessageContaining("themselves");
        Audited a = only("OPERATOR_REGISTER");
        assertThat(a.status()).isEqualTo("REFUSED");
        assertThat(a.code()).isEqualTo("O403");
        assertThat(a.peer()).isEqualTo("operator:" + ADMIN);
        assertThat(a.messageId()).isEqualTo(ADMIN);
        assertThat(a.detail()).startsWith("grant manager refused:");
        assertThat(register.find(ADMIN).orElseThrow().roles()).containsExactly(Role.ADMINISTRATOR);
        assertThatThrownBy(() -> register.revoke(ADMIN, ADMIN, "leaving")).hasMessageContaining("O403");
        assertThatThrownBy(() -> register.review(ADMIN, ADMIN)).hasMessageContaining("O403");
    }

    @Test
    void administratorAndAuditorAreNeverHeldTogether() throws Exception {
        assertThatThrownBy(() -> issue("sato", Role.ADMINISTRATOR, Role.AUDITOR)).hasMessageContaining("O403");
        issue("sato", Role.AUDITOR);
        assertThatThrownBy(() -> register.grant(ADMIN, "sato", Role.ADMINISTRATOR)).hasMessageContaining("O403");
        assertThat(register.find("sato").orElseThrow().roles()).containsExactly(Role.AUDITOR);
    }

    @Test
    void onlyAnActiveAdministratorChangesTheRegister() throws Exception {
        issue("mori", Role.MANAGER);
        db.markAudit();
        assertThatThrownBy(() -> register.grant("mori", "mori", Role.SEARCHER)).hasMessageContaining("O403");
        assertThatThrownBy(() -> register.issue("mori", "mori2", "森", Set.of(Role.MANAGER), Set.of(TERMINAL),
                PASSWORD.toCharArray())).hasMessageContaining("O403");
        assertThatThrownBy(() -> register.grant("nobody", "mori", Role.SEARCHER)).hasMessageContaining("O403");
        assertThatThrownBy(() -> register.grant(ADMIN, "nobody", Role.SEARCHER)).hasMessageContaining("O404");
        assertThat(db.audit("OPERATOR_REGISTER")).extracting(Audited::code).containsExactly("O403", "O403", "O403", "O404");
    }

    @Test
    void aRevokedOperatorStaysRevokedWithTheReasonAndTheirHashErased() throws Exception {
        issue("kimura", Role.SEARCHER);
        db.markAudit();
        assertThatThrownBy(() -> register.revoke(ADMIN, "kimura", " ")).hasMessageContaining("O400");
        Operator o = register.revoke(ADMIN, "kimura", "moved to another department");
        assertThat(o.status()).isEqualTo(Operator.Status.REVOKED);
        assertThat(o.revokedAt()).isEqualTo(db.clock.instant());
        assertThat(db.text("SELECT revoke_reason FROM operator.operator WHERE id = 'kimura'"))
                .isEqualTo("moved to another department");
        assertThat(db.text("SELECT password_hash FROM operator.operator WHERE id = 'kimura'")).isNull();
        assertThatThrownBy(() -> register.grant(ADMIN, "kimura", Role.MANAGER)).hasMessageContaining("O409");
        assertThatThrownBy(() -> register.revoke(ADMIN, "kimura", "again")).hasMessageContaining("O409");
        assertThatThrownBy(() -> issue("kimura", Role.SEARCHER)).hasMessageContaining("O409");
        List<Audited> records = db.audit("OPERATOR_REGISTER");
        assertThat(records).extracting(Audited::code).containsExactly("O400", "O200", "O409", "O409", "O409");
        assertThat(records.get(1).detail()).startsWith("revoked");
    }

    @Test
    void theYearlyReviewListsWhoWasNotReviewedFor12MonthsAndWhoHasNotLoggedInFor90Days() throws Exception {
        issue("honda", Role.SEARCHER);
        issue("ueda", Role.SEARCHER);
        db.clock.advance(Duration.ofDays(200));
        register.review(ADMIN, "ueda");
        Instant later = db.clock.instant().plus(Duration.ofDays(200));
        ReviewReport report = register.reviewReport(later);
        assertThat(report.at()).isEqualTo(later);
        assertThat(report.notReviewed()).extracting(Operator::id).contains("honda", ADMIN).doesNotContain("ueda");
        assertThat(report.noRecentLogin()).extracting(Operator::id).contains("honda", "ueda", ADMIN);
        // a login counts for the second list
        Logins.Result r = ops.logins().login("ueda", "ab".repeat(32), PASSWORD.toCharArray(), TERMINAL);
        assertThat(r).isInstanceOf(Logins.LoggedIn.class);
        assertThat(register.reviewReport(db.clock.instant().plus(Duration.ofDays(30))).noRecentLogin())
                .extracting(Operator::id).doesNotContain("ueda").contains("honda");
        assertThat(register.find("ueda").orElseThrow().lastReviewedAt()).isNotNull();
        // a revoked operator is no longer for review
        register.revoke(ADMIN, "honda", "retired");
        assertThat(register.reviewReport(later).notReviewed()).extracting(Operator::id).doesNotContain("honda");
        assertThat(register.list()).extracting(Operator::id).contains("honda", "ueda", ADMIN);
    }

    @Test
    void everyChangeIsInTheHashChain() throws Exception {
        issue("nakano", Role.MAINTAINER);
        register.unlock(ADMIN, "nakano");
        assertThat(db.chainIntact()).isTrue();
    }
}

package jp.tokyo.juki.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.tokyo.juki.operator.Operator;
import jp.tokyo.juki.operator.OperatorRegister;
import jp.tokyo.juki.operator.Role;
import org.junit.jupiter.api.Test;

/** How the API shows an operator and a refusal of the register (no gateway needed). */
class OperatorsApiTest {
    private static final Instant NOW = Instant.parse("2026-12-06T01:00:00Z");

    @Test
    void eachRefusalCodeOfTheRegisterHasItsStatus() {
        assertThat(Map.of("O400", OperatorsApi.status("O400"), "O401", OperatorsApi.status("O401"),
                "O403", OperatorsApi.status("O403"), "O404", OperatorsApi.status("O404"), "O409", OperatorsApi.status("O409"),
                "O423", OperatorsApi.status("O423"), "O503", OperatorsApi.status("O503")))
                .isEqualTo(Map.of("O400", 400, "O401", 403, "O403", 403, "O404", 404, "O409", 409, "O423", 403, "O503", 503));
    }

    @Test
    void anOperatorIsShownWithSortedRolesAndTerminalsIsoTimesAndALockoutOnlyWhileItLasts() {
        Operator o = new Operator("tanaka", "田中 一", Set.of(Role.SEARCHER, Role.MANAGER), Set.of("ws-02", "ws-01"),
                Operator.Status.ACTIVE, NOW.minusSeconds(3600), "admin1", null, null, NOW.minusSeconds(60), NOW.plusSeconds(600));
        Map<String, Object> shown = OperatorsApi.describe(o, NOW);
        assertThat(shown.get("roles").toString()).isEqualTo("[manager, searcher]");
        assertThat(shown.get("terminals").toString()).isEqualTo("[ws-01, ws-02]");
        assertThat(shown.get("issuedAt")).isEqualTo("2026-12-06T00:00:00Z");
        assertThat(shown.get("lockedUntil")).isEqualTo("2026-12-06T01:10:00Z");
        assertThat(shown.get("revokedAt")).isNull();
        assertThat(OperatorsApi.describe(o, NOW.plusSeconds(601)).get("lockedUntil")).isNull();
        assertThat(shown.keySet()).noneMatch(k -> k.toLowerCase().contains("password"));
    }

    @Test
    void aRoleNameThatIsNoRoleIsRefusedWithTheRolesThereAre() throws Exception {
        assertThat(OperatorsApi.roles(List.of("Manager", "searcher"))).containsExactlyInAnyOrder(Role.MANAGER, Role.SEARCHER);
        assertThat(OperatorsApi.roles(List.of())).isEmpty();
        assertThatThrownBy(() -> OperatorsApi.roles(List.of("root"))).isInstanceOf(OperatorRegister.Refused.class)
                .hasMessageContaining("O400").hasMessageContaining("searcher, manager, auditor, administrator, maintainer")
                .hasMessageNotContaining("root");
    }
}

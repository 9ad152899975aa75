package jp.tokyo.juki.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Separation of duties in the register: nobody acts on their own entry, an administrator never
 * audits, and the contractor's maintainer role never comes with a role that sees personal data.
 */
class DutySeparationTest {
    @Test
    void anAdministratorCannotGrantOrWithdrawARoleOfTheirOwnNorRevokeThemselves() {
        assertThat(DutySeparation.grant("admin1", "admin1", EnumSet.of(Role.ADMINISTRATOR), Role.MANAGER))
                .hasValueSatisfying(r -> assertThat(r).contains("themselves"));
        assertThat(DutySeparation.withdraw("admin1", "admin1")).isPresent();
        assertThat(DutySeparation.revoke("admin1", "admin1")).isPresent();
        assertThat(DutySeparation.change("admin1", "admin1")).isPresent();
    }

    @Test
    void anotherAdministratorMay() {
        assertThat(DutySeparation.grant("admin1", "tanaka", EnumSet.of(Role.SEARCHER), Role.MANAGER)).isEmpty();
        assertThat(DutySeparation.withdraw("admin1", "tanaka")).isEmpty();
        assertThat(DutySeparation.revoke("admin1", "admin2")).isEmpty();
    }

    @Test
    void administratorAndAuditorAreNeverHeldTogether() {
        assertThat(DutySeparation.compatible(Role.ADMINISTRATOR, Role.AUDITOR)).isFalse();
        assertThat(DutySeparation.roles(EnumSet.of(Role.AUDITOR, Role.ADMINISTRATOR))).isPresent();
        assertThat(DutySeparation.grant("admin1", "tanaka", EnumSet.of(Role.AUDITOR), Role.ADMINISTRATOR)).isPresent();
        assertThat(DutySeparation.grant("admin1", "tanaka", EnumSet.of(Role.ADMINISTRATOR), Role.AUDITOR)).isPresent();
    }

    @Test
    void theMaintainerRoleComesWithNoRoleThatSeesPersonalData() {
        for (Role r : Role.values()) {
            if (r != Role.MAINTAINER) {
                assertThat(DutySeparation.compatible(Role.MAINTAINER, r)).as(r.text()).isFalse();
            }
        }
        for (Permission p : Permission.values()) {
            if (p.personalData()) {
                assertThat(p.roles()).doesNotContain(Role.MAINTAINER);
            }
        }
    }

    @Test
    void otherRolesCombine() {
        assertThat(DutySeparation.roles(EnumSet.of(Role.SEARCHER, Role.MANAGER))).isEmpty();
        assertThat(DutySeparation.roles(EnumSet.of(Role.MANAGER, Role.AUDITOR))).isEmpty();
        assertThat(DutySeparation.roles(Set.of(Role.ADMINISTRATOR))).isEmpty();
    }
}

package jp.tokyo.juki.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The role matrix an operator reads (docs/operations/operators.md) is the one the gateway enforces
 * ({@link Permission}): same actions, same roles, same personal-data flag. A permission added or
 * changed in the code without the table fails here.
 */
class RoleMatrixDocTest {
    private static final List<Role> COLUMNS = List.of(Role.SEARCHER, Role.MANAGER, Role.AUDITOR, Role.ADMINISTRATOR,
            Role.MAINTAINER);

    @Test
    void theTableInTheOperationsDocIsThePermissionEnum() throws Exception {
        String doc = Files.readString(Path.of("docs/operations/operators.md"), StandardCharsets.UTF_8);
        String table = doc.substring(doc.indexOf("<!-- role-matrix"), doc.indexOf("<!-- /role-matrix -->"));
        List<String> documented = new ArrayList<>();
        for (String line : table.lines().toList()) {
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                StringBuilder row = new StringBuilder(cells[1].strip().replace("`", "")).append(' ').append(cells[3].strip());
                for (int i = 0; i < COLUMNS.size(); i++) {
                    row.append(' ').append(cells[4 + i].strip());
                }
                documented.add(row.toString());
            }
        }
        List<String> enforced = new ArrayList<>();
        for (Permission p : Permission.values()) {
            StringBuilder row = new StringBuilder(p.name()).append(' ').append(p.personalData() ? "yes" : "no");
            for (Role r : COLUMNS) {
                row.append(' ').append(p.roles().contains(r) ? "✔" : "—");
            }
            enforced.add(row.toString());
        }
        assertThat(documented).containsExactlyElementsOf(enforced);
        assertThat(COLUMNS).containsExactlyInAnyOrder(Role.values());
    }

    @Test
    void noActionOnPersonalDataIsGrantedToTheMaintainer() {
        for (Permission p : Permission.values()) {
            if (p.personalData()) {
                assertThat(p.roles()).as(p.name()).doesNotContain(Role.MAINTAINER);
            }
        }
    }
}

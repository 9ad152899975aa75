package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jp.tokyo.juki.testkit.RunningGateway;
import org.junit.jupiter.api.Test;

/** The gateway refuses to start on an invalid agency list, and says where and why. */
class AgencyConfigIT {

    @Test
    void anInvalidAgencyListStopsTheStartNamingTheLineAndTheReason() throws Exception {
        Path file = Files.createTempFile("agencies", ".yaml");
        Files.writeString(file, """
                agencies:
                  - id: suido
                    name: 水道局
                    kind: PROVISION
                    businesses:
                      - code: SUIDO-FEE
                        name: 水道料金の徴収に関する事務
                        legalBasis: 都条例
                        keyTypes: [JUMINHYO_CODE]
                        items: [juminhyo_code, my_number]
                        myNumber: false
                """, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> RunningGateway.start(false, Map.of("juki.agencies", file.toString())).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("configuration: " + file + " is invalid:\n"
                        + "  line 11: my_number is among the items but myNumber is false (番号法 does not allow it)");
    }
}

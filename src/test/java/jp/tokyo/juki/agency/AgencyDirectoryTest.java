package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** config/agencies.yaml: the shipped file is valid; every kind of mistake is named with its line. */
class AgencyDirectoryTest {

    private static AgencyDirectory.Invalid invalid(String yaml) {
        try {
            AgencyDirectory.parse(new StringReader(yaml), "agencies.yaml");
        } catch (AgencyDirectory.Invalid e) {
            return e;
        }
        throw new AssertionError("accepted: " + yaml);
    }

    private static final String GOOD_BUSINESS = """
                  - code: B-1
                    name: 事務
                    legalBasis: 住基法別表第5
                    keyTypes: [JUMINHYO_CODE]
                    items: [juminhyo_code, name_kanji]
                    myNumber: false
            """;

    @Test
    void theShippedFileHasTheFiveExecutiveOrgansAndSeveralDepartments() throws Exception {
        AgencyDirectory d = AgencyDirectory.load(Path.of("config/agencies.yaml"));

        assertThat(d.agencies().stream().filter(a -> a.kind() == Agency.Kind.PROVISION).map(Agency::name))
                .containsExactlyInAnyOrder("下水道局", "水道局", "警視庁", "東京消防庁", "教育委員会");
        assertThat(d.agencies().stream().filter(a -> a.kind() == Agency.Kind.TRANSFER)).hasSizeGreaterThanOrEqualTo(5);
        Business tax = d.agency("shuzei").orElseThrow().businesses().get("SHUZEI-TAX");
        assertThat(tax.myNumber()).isTrue();
        assertThat(tax.keyTypes()).contains(Business.KeyType.MY_NUMBER);
        assertThat(d.identities()).contains("agency-suido", "agency-kyoiku");
    }

    @Test
    void everyMistakeIsReportedWithItsLineAtOnce() {
        AgencyDirectory.Invalid e = invalid("""
                agencies:
                  - id: Suido
                    name: 水道局
                    kind: GIVE
                    color: blue
                    businesses:
                      - code: B-1
                        name: 事務
                        legalBasis: 住基法別表第5
                        keyTypes: [JUMINHYO_CODE, PHONE]
                        items: [juminhyo_code, blood_type]
                        myNumber: maybe
                """);

        assertThat(e.problems()).containsExactly(
                "line 5: color: unknown in agency (allowed: businesses, id, kind, name)",
                "line 2: id: 1-32 of a-z, 0-9 and '-', starting with a letter or digit",
                "line 4: kind: GIVE is not one of PROVISION, TRANSFER",
                "line 10: keyTypes: PHONE is not one of JUMINHYO_CODE, MY_NUMBER, FOUR_INFO",
                "line 11: items: blood_type is not a result column (address, birth_date, change_date, juminhyo_code, "
                        + "my_number, name_kana, name_kanji, reason, sex)",
                "line 12: myNumber: expected true or false");
        assertThat(e.getMessage()).startsWith("agencies.yaml is invalid:");
    }

    @Test
    void theMyNumberOnlyWhereBangoHoAllowsIt() {
        AgencyDirectory.Invalid e = invalid("""
                agencies:
                  - id: suido
                    name: 水道局
                    kind: PROVISION
                    businesses:
                      - code: B-1
                        name: 事務
                        legalBasis: 住基法別表第5
                        keyTypes: [MY_NUMBER]
                        items: [juminhyo_code, my_number]
                        myNumber: false
                """);

        assertThat(e.problems()).containsExactly(
                "line 11: my_number is among the items but myNumber is false (番号法 does not allow it)",
                "line 9: keyTypes: MY_NUMBER needs myNumber: true (番号法)");
    }

    @Test
    void aDuplicateAgencyAndAMissingMemberAreNamed() {
        AgencyDirectory.Invalid e = invalid("""
                agencies:
                  - id: suido
                    name: 水道局
                    kind: PROVISION
                    businesses:
                """ + GOOD_BUSINESS + """
                  - id: suido
                    name: 水道局
                    kind: PROVISION
                    businesses:
                """ + GOOD_BUSINESS + """
                  - id: shobo
                    kind: PROVISION
                    businesses:
                """ + GOOD_BUSINESS);

        assertThat(e.problems()).containsExactly("line 12: agency suido: defined twice", "line 22: agency: name is missing");
    }

    @Test
    void textThatIsNotYamlIsNamedWithItsLine() {
        AgencyDirectory.Invalid e = invalid("agencies:\n  - id: [unclosed\n");

        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith("line 3: not YAML");
    }
}

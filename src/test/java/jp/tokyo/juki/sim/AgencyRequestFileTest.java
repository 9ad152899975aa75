package jp.tokyo.juki.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import jp.tokyo.juki.agency.Agency;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.agency.RequestCsv;
import jp.tokyo.juki.agency.RequestRules;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.KanaNormalizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's request file: the mix of keys it promises, and that each row's expected status
 * is what the seeded population and the agency rules make it.
 */
class AgencyRequestFileTest {
    /** enough persons that some share name kana and birth date, so the choice among them is tested */
    private static final int PERSONS = 200_000;
    private static final int ROWS = 2_000;
    private static final ResidentSet RESIDENTS = new ResidentSet("131121", "世田谷区", 1);
    private static final List<String> FOREIGN = List.of("KEISHICHO-LICENSE", "SUIDO-FEE");

    private static List<HonninRecord> seeded;
    private static List<String> outside;
    private static AgencyRequestFile.Built file;
    private static List<RequestCsv.Row> rows;

    @BeforeAll
    static void build() throws Exception {
        seeded = LongStream.range(0, PERSONS).mapToObj(RESIDENTS::honnin).toList();
        // codes outside Tokyo, plus two that seeded persons have and must never be asked as "outside"
        outside = new ArrayList<>(List.of(seeded.get(7).juminhyoCode(), seeded.get(99).juminhyoCode()));
        for (int i = 0; i < 300; i++) {
            outside.add(CheckDigits.completeJuminhyoCode(String.format("9%09d", i * 7919L)));
        }
        file = AgencyRequestFile.mixed(ROWS, RESIDENTS, PERSONS, outside, "SHUZEI-TAX", FOREIGN, 42);
        rows = RequestCsv.parse(file.csv(), Integer.MAX_VALUE);
    }

    @Test
    void theFileIsARequestCsvWithOneRowPerRequestIdInOrder() {
        assertThat(rows).hasSize(ROWS);
        assertThat(rows.get(0).requestId()).isEqualTo("R00000001");
        assertThat(rows).extracting(RequestCsv.Row::requestId)
                .containsExactlyElementsOf(IntStream.range(0, ROWS).mapToObj(AgencyRequestFile::requestId)
                        .toList());
    }

    @Test
    void theMixIsFortyTwentyThirtyFiveAndFivePercent() {
        assertThat(file.byKind()).containsExactlyInAnyOrderEntriesOf(Map.of(AgencyRequestFile.Kind.JUMINHYO_CODE, 800L,
                AgencyRequestFile.Kind.MY_NUMBER, 400L, AgencyRequestFile.Kind.FOUR_INFO, 600L,
                AgencyRequestFile.Kind.OUTSIDE_TOKYO, 100L, AgencyRequestFile.Kind.REFUSED, 100L));
        assertThat(rows.stream().collect(Collectors.groupingBy(RequestCsv.Row::keyType, Collectors.counting())))
                .containsExactlyInAnyOrderEntriesOf(Map.of("JUMINHYO_CODE", 1000L, "MY_NUMBER", 400L, "FOUR_INFO", 600L));
        assertThat(file.expectedByStatus()).containsExactly(Map.entry("FOUND", 1800L), Map.entry("NOT_FOUND", 0L),
                Map.entry("MULTIPLE", 0L), Map.entry("REFUSED", 100L), Map.entry("INVALID", 0L),
                Map.entry("FOUND_NATIONAL", 100L), Map.entry("MISMATCH", 0L));
    }

    @Test
    void theKindsAreShuffledNotInBlocks() {
        assertThat(file.kinds().subList(0, 100)).contains(AgencyRequestFile.Kind.JUMINHYO_CODE,
                AgencyRequestFile.Kind.MY_NUMBER, AgencyRequestFile.Kind.FOUR_INFO);
    }

    @Test
    void theGatewaysRulesRefuseExactlyTheRowsExpectedRefusedAndAllowTheRest() throws Exception {
        Agency shuzei = AgencyDirectory.load(Path.of("config/agencies.yaml")).agency("shuzei").orElseThrow();

        for (int i = 0; i < ROWS; i++) {
            RequestRules.Decision d = RequestRules.check(shuzei, rows.get(i));
            if (file.expected(i).equals("REFUSED")) {
                assertThat(d).as("row %d", i).isInstanceOf(RequestRules.Decision.Refused.class);
            } else {
                assertThat(d).as("row %d", i).isInstanceOf(RequestRules.Decision.Allowed.class);
            }
        }
        assertThat(rows.stream().filter(r -> !r.business().equals("SHUZEI-TAX")).map(RequestCsv.Row::business))
                .hasSize(100).allMatch(FOREIGN::contains);
    }

    @Test
    void everyRowExpectedFoundNamesExactlyOneSeededPersonAndEveryOutsideRowNone() {
        Map<String, HonninRecord> byCode = seeded.stream().collect(Collectors.toMap(HonninRecord::juminhyoCode,
                Function.identity()));
        Set<String> numbers = seeded.stream().map(HonninRecord::myNumber).collect(Collectors.toSet());
        Map<String, Long> nameBirth = seeded.stream().collect(Collectors.groupingBy(AgencyRequestFileTest::nameBirth,
                Collectors.counting()));
        assertThat(nameBirth.values()).as("persons sharing name kana and birth date").anyMatch(n -> n > 1);

        for (int i = 0; i < ROWS; i++) {
            RequestCsv.Row r = rows.get(i);
            switch (file.kinds().get(i)) {
                case JUMINHYO_CODE, REFUSED -> assertThat(byCode).containsKey(r.juminhyoCode());
                case MY_NUMBER -> assertThat(numbers).contains(r.myNumber());
                case FOUR_INFO -> assertThat(nameBirth.get(KanaNormalizer.normalize(r.nameKana()) + "|" + r.birthDate()))
                        .as("seeded persons with the row's name kana and birth date").isEqualTo(1L);
                case OUTSIDE_TOKYO -> {
                    assertThat(byCode).doesNotContainKey(r.juminhyoCode());
                    assertThat(outside).contains(r.juminhyoCode());
                }
                default -> throw new AssertionError();
            }
        }
    }

    @Test
    void outsideRowsAskForDifferentPersonsWhileThereAreEnough() {
        Set<String> asked = new HashSet<>();
        for (int i = 0; i < ROWS; i++) {
            if (file.kinds().get(i) == AgencyRequestFile.Kind.OUTSIDE_TOKYO) {
                assertThat(asked.add(rows.get(i).juminhyoCode())).isTrue();
            }
        }
    }

    @Test
    void theSameArgumentsMakeTheSameFile() {
        assertThat(AgencyRequestFile.mixed(ROWS, RESIDENTS, PERSONS, outside, "SHUZEI-TAX", FOREIGN, 42).csv())
                .isEqualTo(file.csv());
    }

    private static String nameBirth(HonninRecord p) {
        return KanaNormalizer.normalize(p.name().kana()) + "|" + p.birthDate();
    }
}

package jp.tokyo.juki.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.NameKeys;
import jp.tokyo.juki.search.SearchCriteria.Store;
import org.junit.jupiter.api.Test;

/** The search's rules without a database: the name keys, the key kinds and their checks, the working hours. */
class SearchRulesTest {
    private static final String CODE = CheckDigits.completeJuminhyoCode("1234567890");
    private static final String NUMBER = CheckDigits.completeMyNumber("12345678901");

    private static SearchCriteria of(String purpose, List<String> stores, String code, String number, String kana, String kanji,
                                     String birth, String to, String sex, String address) {
        return SearchCriteria.of(purpose, stores, code, number, kana, kanji, birth, to, sex, address);
    }

    @Test
    void aKanjiPrefixMatchesWithSpacesIgnoredOnBothSides() {
        assertThat(NameKeys.kanji("佐藤 太郎")).isEqualTo("佐藤太郎");
        assertThat(NameKeys.kanji("佐藤\u3000太郎")).isEqualTo("佐藤太郎");
        assertThat(NameKeys.kanjiStartsWith("佐藤 太郎", "佐藤太")).isTrue();
        assertThat(NameKeys.kanjiStartsWith("佐藤太郎", "佐藤 太")).isTrue();
        assertThat(NameKeys.kanjiStartsWith("佐藤 太郎", "佐藤 次")).isFalse();
        // a space is not a wildcard: "佐 藤" is the prefix 佐藤
        assertThat(NameKeys.kanjiStartsWith("佐藤 太郎", "佐 藤")).isTrue();
    }

    @Test
    void kanaMatchesOnTheSeionForm() {
        assertThat(NameKeys.kanaSame("ガトウ タロウ", "カトオタロオ")).isTrue();
        assertThat(NameKeys.kanaSame("ｻﾄｳ ﾀﾛｳ", "サトウ タロウ")).isTrue();
    }

    @Test
    void exactlyOneKindOfKeyIsTakenAndNamedByItsKind() {
        assertThat(of("目的", null, CODE, null, null, null, null, null, null, null).kind()).isEqualTo("juminhyoCode");
        SearchCriteria byNumber = of("目的", null, null, NUMBER, null, null, null, null, null, null);
        assertThat(byNumber.kind()).isEqualTo("myNumber");
        assertThat(byNumber.stores()).as("a My Number is in the honnin store only").containsExactly(Store.HONNIN);
        assertThat(of("目的", null, null, null, "サトウ", null, "1980-01-01", null, null, null).kind())
                .isEqualTo("nameKana+birthDate");
        assertThat(of("目的", null, null, null, null, null, "1980-01-01", "1980-12-31", "2", null).kind())
                .isEqualTo("birthRange+sex");
        assertThat(of("目的", List.of("fuhyo"), null, null, null, "佐藤", null, null, null, null).stores())
                .isEqualTo(Set.of(Store.FUHYO));
        assertThat(of("目的", null, null, null, null, null, null, null, null, "東京都").stores())
                .isEqualTo(Set.of(Store.HONNIN, Store.FUHYO));
        assertThat(of("目的", null, CODE, null, null, null, null, null, null, null).toString()).doesNotContain(CODE);
    }

    @Test
    void refusedRequestsNameTheFieldNeverTheValue() {
        assertThatThrownBy(() -> of(null, null, CODE, null, null, null, null, null, null, null)).hasMessageStartingWith("reason");
        assertThatThrownBy(() -> of(" ", null, CODE, null, null, null, null, null, null, null)).hasMessageStartingWith("reason");
        assertThatThrownBy(() -> of("目的", null, null, null, null, null, null, null, null, null)).hasMessageStartingWith("key");
        assertThatThrownBy(() -> of("目的", null, CODE, NUMBER, null, null, null, null, null, null)).hasMessageStartingWith("key");
        assertThatThrownBy(() -> of("目的", null, CODE, null, "サトウ", null, null, null, null, null)).hasMessageStartingWith("key");
        assertThatThrownBy(() -> of("目的", null, null, null, null, null, null, null, "2", null))
                .hasMessageContaining("sex only narrows");
        assertThatThrownBy(() -> of("目的", null, "12345678901", null, null, null, null, null, null, null))
                .hasMessageStartingWith("juminhyoCode").hasMessageNotContaining("12345678901");
        assertThatThrownBy(() -> of("目的", List.of("fuhyo"), null, NUMBER, null, null, null, null, null, null))
                .hasMessageStartingWith("myNumber");
        assertThatThrownBy(() -> of("目的", null, null, null, null, null, null, "1980-01-01", null, "東京都"))
                .hasMessageStartingWith("birthTo");
        assertThatThrownBy(() -> of("目的", null, null, null, null, null, "1980-12-31", "1980-01-01", null, null))
                .hasMessageStartingWith("birthTo");
        assertThatThrownBy(() -> of("目的", null, null, null, null, null, "80-1-1", null, null, null))
                .hasMessageStartingWith("birthDate");
        assertThatThrownBy(() -> of("目的", null, null, null, null, " 　 ", null, null, null, null)).hasMessageStartingWith("key");
        // a name of spaces only is no name: the search is by the address alone
        assertThat(of("目的", null, null, null, null, "　", null, null, null, "東京").kind()).isEqualTo("addressPrefix");
        assertThatThrownBy(() -> of("目的", List.of("all"), CODE, null, null, null, null, null, null, null))
                .hasMessageStartingWith("stores");
        assertThatThrownBy(() -> of("目的", null, null, null, null, null, null, null, "3", "東京都")).hasMessageStartingWith("sex");
        assertThatThrownBy(() -> of("x".repeat(201), null, CODE, null, null, null, null, null, null, null))
                .hasMessageStartingWith("reason");
    }

    @Test
    void workingHoursAreWeekdaysInJst() {
        WorkingHours h = WorkingHours.parse("08:30-18:00");
        // 2026-12-07 is a Monday
        assertThat(h.outside(Instant.parse("2026-12-07T00:00:00Z"))).as("09:00 JST Monday").isFalse();
        assertThat(h.outside(Instant.parse("2026-12-06T23:29:00Z"))).as("08:29 JST Monday").isTrue();
        assertThat(h.outside(Instant.parse("2026-12-06T23:30:00Z"))).as("08:30 JST Monday").isFalse();
        assertThat(h.outside(Instant.parse("2026-12-07T09:00:00Z"))).as("18:00 JST Monday").isTrue();
        assertThat(h.outside(Instant.parse("2026-12-05T01:00:00Z"))).as("10:00 JST Saturday").isTrue();
        assertThat(h.outside(Instant.parse("2026-12-06T01:00:00Z"))).as("10:00 JST Sunday").isTrue();
        assertThatThrownBy(() -> WorkingHours.parse("18:00-08:30")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkingHours.parse("nine to five")).isInstanceOf(IllegalArgumentException.class);
    }
}

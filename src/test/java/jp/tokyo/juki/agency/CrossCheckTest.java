package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provision cross-check (突合) of a row asked by 住民票コード or My Number against the record found. */
class CrossCheckTest {
    private static final Map<String, String> RECORD = Map.of("juminhyo_code", "24727059608", "name_kanji", "山田 太郎",
            "name_kana", "ヤマダ タロウ", "birth_date", "1980-04-01", "sex", "1", "address", "東京都千代田区千代田１番１号");

    private static RequestCsv.Row row(String kana, String kanji, String birthDate, String sex) {
        return new RequestCsv.Row(2, "r1", "B1", "JUMINHYO_CODE", "24727059608", null, kana, kanji, birthDate, sex, null);
    }

    private static String check(RequestCsv.Row row) {
        return RequestRules.mismatch(row, Business.KeyType.JUMINHYO_CODE, RECORD);
    }

    @Test
    void aRowWithoutNameOrBirthDateIsNotCrossChecked() {
        assertThat(check(row(null, null, null, null))).isNull();
        assertThat(check(row(null, null, null, "2"))).as("the sex alone identifies no one").isNull();
    }

    @Test
    void matchingItemsUnderTheOneNameRuleAreAnswered() {
        assertThat(check(row("ヤマダ タロウ", "山田 太郎", "1980-04-01", "1"))).isNull();
        assertThat(check(row("ﾔﾏﾀﾞ\u3000タロウ", null, null, null))).as("half-width kana and a full-width space").isNull();
        assertThat(check(row("ヤマタ タロウ", null, null, null))).as("清音化: ダ = タ").isNull();
        assertThat(check(row(null, "山田\u3000太郎", "1980-04-01", null))).as("kanji: spaces ignored").isNull();
    }

    @Test
    void eachDifferingItemIsNamedNeverItsValue() {
        assertThat(check(row(null, null, "1980-04-02", null))).isEqualTo("birth_date: does not match the record");
        assertThat(check(row("ヤマダ ジロウ", "山田", "1980-04-01", "2")))
                .isEqualTo("name_kana, name_kanji, sex: do not match the record")
                .doesNotContain("ジロウ").doesNotContain("山田");
    }

    @Test
    void aFourInfoRowIsNotCrossCheckedItIsTheSearchItself() {
        assertThat(RequestRules.mismatch(row("ヤマダ ジロウ", null, "1999-01-01", null), Business.KeyType.FOUR_INFO, RECORD))
                .isNull();
        assertThat(RequestRules.mismatch(row(null, null, "1999-01-01", null), Business.KeyType.MY_NUMBER, RECORD))
                .isEqualTo("birth_date: does not match the record");
    }
}

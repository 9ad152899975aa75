package jp.tokyo.juki.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import jp.tokyo.juki.record.CheckDigits;
import org.junit.jupiter.api.Test;

/** The 4 items 突合 of a disclosure request: the one name rule, the whole address, the results. */
class FourItemsTest {
    private static final Map<String, String> STORED = Map.of("name_kana", "ヤマダ タロウ", "name_kanji", "山田 太郎",
            "birth_date", "1980-04-01", "sex", "1", "address_text", "東京都千代田区千代田１番１号");

    private static Requester asks(String kana, String kanji, String birth, String address, String code) throws Exception {
        return Requester.of("honnin", kana, kanji, birth, "1", address, code, "DRIVERS_LICENSE");
    }

    @Test
    void namesMatchOnTheOneRuleAndTheAddressWholeWithoutSpaces() throws Exception {
        // kana on 清音化 (ダ = タ, space ignored), kanji without spaces, full-width digits equal half-width
        assertThat(FourItems.matches(asks("ヤマタタロウ", "山田太郎", "1980-04-01", "東京都千代田区 千代田1番1号", null), STORED))
                .isTrue();
        assertThat(FourItems.matches(asks("ヤマダ タロウ", "山田 太", "1980-04-01", "東京都千代田区千代田１番１号", null), STORED))
                .as("a kanji prefix is a search, not a cross-check").isFalse();
        assertThat(FourItems.matches(asks("ヤマダ タロウ", "山田 太郎", "1980-04-01", "東京都千代田区", null), STORED))
                .as("an address prefix does not identify a resident").isFalse();
        assertThat(FourItems.matches(asks("ヤマダ タロウ", "山田 太郎", "1980-04-02", "東京都千代田区千代田１番１号", null), STORED))
                .isFalse();
    }

    @Test
    void aStatedCodeGivesMatchedMismatchOrNotFoundAndNoCodeCountsTheCandidates() throws Exception {
        Requester same = asks("ヤマダ タロウ", "山田 太郎", "1980-04-01", "東京都千代田区千代田１番１号", validCode());
        Requester otherBirth = asks("ヤマダ タロウ", "山田 太郎", "1975-01-01", "東京都千代田区千代田１番１号", validCode());
        assertThat(FourItems.result(same, STORED, List.of())).isEqualTo(CheckResult.MATCHED);
        assertThat(FourItems.result(otherBirth, STORED, List.of())).isEqualTo(CheckResult.MISMATCH);
        assertThat(FourItems.result(same, null, List.of())).isEqualTo(CheckResult.NOT_FOUND);

        Requester noCode = asks("ヤマダ タロウ", "山田 太郎", "1980-04-01", "東京都千代田区千代田１番１号", null);
        assertThat(FourItems.result(noCode, null, List.of())).isEqualTo(CheckResult.NOT_FOUND);
        assertThat(FourItems.result(noCode, null, List.of(STORED))).isEqualTo(CheckResult.MATCHED);
        assertThat(FourItems.result(noCode, null, List.of(STORED, STORED))).isEqualTo(CheckResult.MULTIPLE);
    }

    @Test
    void aMalformedFieldIsRefusedByNameNeverQuoted() {
        assertThatThrownBy(() -> asks("ヤマダ", "山田", "S55.4.1", "東京都", null))
                .isInstanceOf(DisclosureRefused.class).hasMessageContaining("birthDate").hasMessageNotContaining("S55");
        assertThatThrownBy(() -> asks("ヤマダ", "山田", "1980-04-01", "東京都", "12345678901"))
                .hasMessageContaining("juminhyoCode").hasMessageNotContaining("12345678901");
        assertThatThrownBy(() -> Requester.of("other", "ヤマダ", "山田", "1980-04-01", "1", "東京都", null, "PASSPORT"))
                .hasMessageContaining("store");
    }

    private static String validCode() {
        return CheckDigits.completeJuminhyoCode("1234567890");
    }
}

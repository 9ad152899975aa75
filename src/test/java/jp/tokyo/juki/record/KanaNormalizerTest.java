package jp.tokyo.juki.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** 清音化 (SPEC R-SRCH): the rules of 住民記録システム標準仕様書 §2.1.2. */
class KanaNormalizerTest {
    private static String n(String s) {
        return KanaNormalizer.normalize(s);
    }

    @Test
    void voicedAndSemiVoicedMarksAreIgnored() {
        assertThat(n("ガ")).isEqualTo(n("カ"));
        assertThat(n("パ")).isEqualTo(n("ハ")).isEqualTo(n("バ"));
    }

    @Test
    void diAndDuBecomeShiAndSu() {
        assertThat(n("ヂ")).isEqualTo(n("ジ")).isEqualTo("シ");
        assertThat(n("ヅ")).isEqualTo(n("ズ")).isEqualTo("ス");
    }

    @Test
    void vuIsBuIsFuAndVaIsBa() {
        assertThat(n("ヴ")).isEqualTo(n("ブ")).isEqualTo("フ");
        assertThat(n("ヴァ")).isEqualTo(n("バ")).isEqualTo("ハ");
    }

    @Test
    void smallKanaEqualLargeAndWoEqualsO() {
        assertThat(n("キャッシュ")).isEqualTo("キヤツシユ");
        assertThat(n("ヲ")).isEqualTo("オ");
    }

    @Test
    void uAfterAnORowKanaBecomesOFromTheSecondCharacter() {
        assertThat(n("コウ")).isEqualTo(n("コオ"));
        assertThat(n("ウエノ")).isEqualTo("ウエノ");
        assertThat(n("サトウ")).isEqualTo("サトオ");
    }

    @Test
    void longVowelMarksDashesAndSpacesAreIgnored() {
        assertThat(n("ヤマダ タロー")).isEqualTo(n("ヤマダ　タロ")).isEqualTo(n("ヤマダタロ－")).isEqualTo("ヤマタタロ");
    }

    @Test
    void halfWidthKanaEqualFullWidth() {
        assertThat(n("ｶﾞｯｺｳ")).isEqualTo(n("ガッコウ"));
    }
}

package jp.tokyo.juki.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** PROTOCOL §3.4 check digits, with public examples. */
class CheckDigitsTest {

    @Test
    void publishedMyNumberExamplesAreValid() {
        assertThat(CheckDigits.isValidMyNumber("123456789018")).isTrue();
        assertThat(CheckDigits.isValidMyNumber("621498320257")).isTrue();
    }

    @Test
    void myNumberWithAnotherLastDigitIsInvalid() {
        assertThat(CheckDigits.isValidMyNumber("123456789019")).isFalse();
    }

    @Test
    void myNumberMustBeTwelveDigits() {
        assertThat(CheckDigits.isValidMyNumber("12345678901")).isFalse();
        assertThat(CheckDigits.isValidMyNumber("12345678901a")).isFalse();
    }

    @Test
    void shinjukuWhoseRemainderIsZeroHasCheckDigitOne() {
        assertThat(CheckDigits.municipalityCheckDigit("13104")).isEqualTo(1);
        assertThat(CheckDigits.isValidMunicipalityCode("131041")).isTrue();
        assertThat(CheckDigits.isValidMunicipalityCode("131040")).isFalse();
    }

    @Test
    void chiyodaAndTokyoItselfAreValid() {
        assertThat(CheckDigits.isValidMunicipalityCode("131016")).isTrue();
        assertThat(CheckDigits.isValidMunicipalityCode("130001")).isTrue();
    }

    @Test
    void juminhyoCodeExamplesOfTheProtocolAreValid() {
        assertThat(CheckDigits.isValidJuminhyoCode("24727059608")).isTrue();
        assertThat(CheckDigits.isValidJuminhyoCode("24846016224")).isTrue();
        assertThat(CheckDigits.isValidJuminhyoCode("24727059609")).isFalse();
    }

    @Test
    void juminhyoCodeWeightsRunFromTheRightmostOfTheFirstTen() {
        // 0000000001: the rightmost digit has weight 2 -> sum 2, r 2, check 9
        assertThat(CheckDigits.juminhyoCodeCheckDigit("0000000001")).isEqualTo(9);
        // 1000000000: the leftmost digit has weight 5 -> sum 5, r 5, check 6
        assertThat(CheckDigits.juminhyoCodeCheckDigit("1000000000")).isEqualTo(6);
    }

    @Test
    void everyConfiguredMunicipalityCarriesAValidCheckDigitAndThereAre62() throws Exception {
        Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
        assertThat(tokyo.municipalityCodes()).hasSize(62).allMatch(CheckDigits::isValidMunicipalityCode);
        assertThat(tokyo.name("131041")).isEqualTo("新宿区");
        assertThat(tokyo.isMunicipality("130001")).isFalse();
        assertThat(Files.exists(Path.of("config/municipalities.csv"))).isTrue();
    }
}

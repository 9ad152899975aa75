package jp.tokyo.juki.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The item rules of PROTOCOL §3.1/§3.4 that need no store. */
class HonninUpdateReaderTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final HonninUpdateReader reader = new HonninUpdateReader(new Municipalities(
            Map.of("130001", "東京都", "131016", "千代田区", "131024", "中央区")));

    private static String body(String birthDate, String extraRecord) {
        return "{\"record\":{\"juminhyoCode\":\"24727059608\",\"name\":{\"kanji\":\"山田 太郎\",\"kana\":\"ヤマダ タロウ\","
                + "\"gaijiCount\":0,\"gaijiChangeSeq\":0},\"birthDate\":\"" + birthDate + "\",\"sex\":\"1\","
                + "\"address\":{\"text\":\"東京都千代田区千代田１番１号\",\"gaijiCount\":0,\"gaijiChangeSeq\":0,"
                + "\"municipalityCode\":\"131016\",\"azaCode\":\"000101\"},\"myNumber\":\"123456789018\","
                + "\"retentionFlag\":\"0\",\"gaijiFlag\":\"0\"" + extraRecord + "},\"reason\":\"BIRTH\","
                + "\"changeDate\":\"2026-11-20\"}";
    }

    private HonninUpdate read(String json) throws Exception {
        JsonNode node = M.readTree(json);
        return reader.read(node, "131016", LocalDate.of(2026, 11, 26));
    }

    @Test
    void theProtocolExampleIsAccepted() throws Exception {
        HonninUpdate u = read(body("1980-04-01", ""));
        assertThat(u.reason()).isEqualTo(Reason.BIRTH);
        assertThat(u.record().myNumber()).isEqualTo("123456789018");
    }

    @Test
    void aFamilyRegisterDateThatIsNoCalendarDateIsAcceptedAsBirthDate() throws Exception {
        assertThat(read(body("1981-02-29", "")).record().birthDate()).isEqualTo("1981-02-29");
    }

    @Test
    void aBirthDateOfFebruary30IsRefused() {
        assertThatThrownBy(() -> read(body("1981-02-30", ""))).isInstanceOf(Violation.class)
                .hasMessageContaining("birthDate");
    }

    @Test
    void gaijiFlagMustAgreeWithTheCounts() {
        String json = body("1980-04-01", "").replace("\"gaijiFlag\":\"0\"", "\"gaijiFlag\":\"1\"");
        assertThatThrownBy(() -> read(json)).isInstanceOf(Violation.class).hasMessageContaining("gaijiFlag");
    }

    @Test
    void aNameOfMoreThan100CharactersIsRefusedButVariationSelectorsCountWithTheirBase() throws Exception {
        String longName = "山".repeat(101);
        assertThatThrownBy(() -> read(body("1980-04-01", "").replace("山田 太郎", longName)))
                .isInstanceOf(Violation.class).hasMessageContaining("longer than 100");
        String withIvs = "葛\uDB40\uDD00".repeat(100);
        assertThat(read(body("1980-04-01", "").replace("山田 太郎", withIvs)).record().name().kanji()).isEqualTo(withIvs);
    }

    @Test
    void formerJuminhyoCodeIsOnlyForACodeChange() {
        String json = body("1980-04-01", "").replace("\"reason\":\"BIRTH\"",
                "\"reason\":\"BIRTH\",\"formerJuminhyoCode\":\"24846016224\"");
        assertThatThrownBy(() -> read(json)).isInstanceOf(Violation.class).hasMessageContaining("formerJuminhyoCode");
    }

    @Test
    void aCodeAsANumberInsteadOfAStringIsRefused() {
        String json = body("1980-04-01", "").replace("\"sex\":\"1\"", "\"sex\":1");
        assertThatThrownBy(() -> read(json)).isInstanceOf(Violation.class).hasMessageContaining("sex");
    }
}

package jp.tokyo.juki.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Json;
import org.junit.jupiter.api.Test;

/**
 * How the simulated national servers match a query (SPEC R-SRCH as docs/protocol.md applies it to
 * national queries): kana on the 清音化 form, kanji name and address by prefix, birth date and sex
 * exactly, every member given must match; a notice is the person's latest state.
 */
class NationalRegisterTest {
    private static int serial;

    private static String newCode() {
        return CheckDigits.completeJuminhyoCode(String.format("%010d", 5_000_000_000L + ++serial));
    }

    private static String newMyNumber() {
        return CheckDigits.completeMyNumber(String.format("%011d", 70_000_000_000L + ++serial));
    }

    /** A HONNIN_NOTICE body as the gateway sends it (PROTOCOL §3.1), from 千代田区. */
    private static ObjectNode notice(String code, String myNumber, String kanji, String kana, String birthDate, String sex,
                                     String address) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putObject("origin").put("sender", "131016").put("id", "t-" + ++serial);
        n.put("juminhyoCode", code);
        n.putObject("name").put("kanji", kanji).put("kana", kana);
        n.put("birthDate", birthDate);
        n.put("sex", sex);
        n.putObject("address").put("text", address).put("municipalityCode", "131016");
        n.put("myNumber", myNumber);
        n.put("reason", "MOVE_IN");
        n.put("changeDate", "2026-11-20");
        assertThat(NationalSimulator.checkNotice(n)).isNull();
        return n;
    }

    private static ObjectNode notice(String kanji, String kana, String birthDate, String sex, String address) {
        return notice(newCode(), newMyNumber(), kanji, kana, birthDate, sex, address);
    }

    private static JsonNode fourInfo(String kana, String kanji, String birthDate, String sex, String addressPrefix) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode f = body.putObject("key").putObject("fourInfo");
        if (kana != null) {
            f.put("nameKana", kana);
        }
        if (kanji != null) {
            f.put("nameKanji", kanji);
        }
        if (birthDate != null) {
            f.put("birthDate", birthDate);
        }
        if (sex != null) {
            f.put("sex", sex);
        }
        if (addressPrefix != null) {
            f.put("addressPrefix", addressPrefix);
        }
        return body;
    }

    private static List<String> codes(NationalRegister r, JsonNode body) throws Violation {
        return r.find(r.checkKey(body)).stream().map(rec -> rec.get("juminhyoCode").asText()).toList();
    }

    /** The rule and detail a refused key is answered with. */
    private static String refusal(NationalRegister r, JsonNode body) {
        Violation v = catchThrowableOfType(Violation.class, () -> r.checkKey(body));
        assertThat(v).as("refused").isNotNull();
        return v.rule() + " " + v.detail();
    }

    private static String code(JsonNode notice) {
        return notice.get("juminhyoCode").asText();
    }

    @Test
    void kanaMatchesOnTheSeionFormVoicedSmallLongAndOuAllEqual() throws Exception {
        NationalRegister r = NationalRegister.honnin(List.of());
        ObjectNode jougou = notice("城郷 花子", "ジョウゴウ ハナコ", "1990-02-03", "2", "東京都千代田区丸の内１番");
        ObjectNode vaio = notice("場井尾 健", "ヴァイオー ケン", "1990-02-03", "1", "東京都千代田区丸の内２番");
        r.notified(jougou);
        r.notified(vaio);

        assertThat(codes(r, fourInfo("ショオコオ ハナコ", null, "1990-02-03", null, null))).containsExactly(code(jougou));
        assertThat(codes(r, fourInfo("ジョウゴウハナコ", null, "1990-02-03", null, null))).containsExactly(code(jougou));
        assertThat(codes(r, fourInfo("ハイオ ケン", null, null, "1", null))).containsExactly(code(vaio));
        assertThat(codes(r, fourInfo("ジョウゴ ハナコ", null, "1990-02-03", null, null))).isEmpty();
    }

    @Test
    void kanaIsTheWholeNameNotAPrefix() throws Exception {
        NationalRegister r = NationalRegister.honnin(List.of());
        r.notified(notice("佐藤 一", "サトウ ハジメ", "1980-01-01", "1", "東京都千代田区"));

        assertThat(codes(r, fourInfo("サトウ", null, "1980-01-01", null, null))).isEmpty();
    }

    @Test
    void kanjiNameMatchesByPrefixWithTheSpaceIgnored() throws Exception {
        NationalRegister r = NationalRegister.honnin(List.of());
        ObjectNode p = notice("櫻井戸 誠一郎", "サクライド セイイチロウ", "1965-11-30", "1", "東京都千代田区");
        r.notified(p);

        assertThat(codes(r, fourInfo(null, "櫻井戸 誠", null, "1", null))).containsExactly(code(p));
        assertThat(codes(r, fourInfo(null, "櫻井戸誠一郎", null, "1", null))).containsExactly(code(p));
        assertThat(codes(r, fourInfo(null, "井戸 誠", null, "1", null))).isEmpty();
    }

    @Test
    void addressMatchesByPrefixBirthDateAndSexExactly() throws Exception {
        NationalRegister r = NationalRegister.honnin(List.of());
        ObjectNode p = notice("宛先 太郎", "アテサキ タロウ", "1970-07-07", "1", "東京都千代田区丸の内２丁目３番");
        r.notified(p);

        assertThat(codes(r, fourInfo("アテサキ タロウ", null, null, null, "東京都千代田区丸の内"))).containsExactly(code(p));
        assertThat(codes(r, fourInfo("アテサキ タロウ", null, null, null, "千代田区"))).isEmpty();
        assertThat(codes(r, fourInfo("アテサキ タロウ", null, "1970-07-07", null, null))).containsExactly(code(p));
        assertThat(codes(r, fourInfo("アテサキ タロウ", null, "1970-07-08", null, null))).isEmpty();
        assertThat(codes(r, fourInfo("アテサキ タロウ", null, null, "2", null))).isEmpty();
    }

    @Test
    void everyMemberGivenMustMatch() throws Exception {
        NationalRegister r = NationalRegister.honnin(List.of());
        ObjectNode p = notice("全項 一致", "ゼンコウ イッチ", "1950-03-04", "2", "東京都千代田区永田町１番");
        r.notified(p);

        assertThat(codes(r, fourInfo("センコオ イツチ", "全項", "1950-03-04", "2", "東京都千代田区"))).containsExactly(code(p));
        assertThat(codes(r, fourInfo("センコオ イツチ", "全項", "1950-03-04", "2", "東京都港区"))).isEmpty();
        assertThat(codes(r, fourInfo("センコオ イツチ", "前項", "1950-03-04", "2", "東京都千代田区"))).isEmpty();
    }

    @Test
    void aNoticeReplacesWhatWasKnownAndAMyNumberChangeMovesTheNumber() throws Exception {
        NationalRegister r = NationalRegister.honnin(List.of());
        String code = newCode();
        String before = newMyNumber();
        String after = newMyNumber();
        r.notified(notice(code, before, "変更 前", "ヘンコウ マエ", "1960-06-06", "1", "東京都千代田区"));
        r.notified(notice(code, after, "変更 後", "ヘンコウ アト", "1960-06-06", "1", "東京都千代田区"));

        ObjectNode byNumber = Json.MAPPER.createObjectNode();
        byNumber.putObject("key").put("myNumber", after);
        ObjectNode byOldNumber = Json.MAPPER.createObjectNode();
        byOldNumber.putObject("key").put("myNumber", before);

        assertThat(r.size()).isEqualTo(1);
        assertThat(codes(r, byNumber)).containsExactly(code);
        assertThat(codes(r, byOldNumber)).isEmpty();
        assertThat(codes(r, fourInfo("ヘンコウ マエ", null, "1960-06-06", null, null))).isEmpty();
        List<ObjectNode> found = r.find(r.checkKey(byNumber));
        assertThat(found.get(0).get("name").get("kanji").asText()).isEqualTo("変更 後");
        // a notice lacks items of §3.1: the answer carries neutral values for them
        assertThat(found.get(0).get("address").get("azaCode").asText()).isEqualTo("000000");
        assertThat(found.get(0).get("gaijiFlag").asText()).isEqualTo("0");
    }

    @Test
    void theGeneratedPopulationIsFoundByItsOwnFourItems() throws Exception {
        List<NationalPopulation.Person> people = NationalPopulation.honnin(2_000, 7);
        NationalRegister r = NationalRegister.honnin(people);
        NationalPopulation.Person p = people.get(1234);

        assertThat(codes(r, fourInfo(p.kana(), p.kanji(), p.birthDate(), p.sex(), p.address()))).contains(p.code());
    }

    @Test
    void theGeneratedPopulationIsDeterministicWithValidCodesOutsideTokyo() {
        List<NationalPopulation.Person> honnin = NationalPopulation.honnin(1_000, 11);
        List<NationalPopulation.Person> fuhyo = NationalPopulation.fuhyo(1_000, 11);

        assertThat(NationalPopulation.honnin(1_000, 11)).isEqualTo(honnin);
        assertThat(honnin).allSatisfy(p -> {
            assertThat(CheckDigits.isValidJuminhyoCode(p.code())).isTrue();
            assertThat(CheckDigits.isValidMyNumber(p.myNumber())).isTrue();
            assertThat(CheckDigits.isValidMunicipalityCode(p.addressMunicipality())).isTrue();
            assertThat(p.addressMunicipality()).doesNotStartWith("13");
        });
        assertThat(honnin).extracting(NationalPopulation.Person::code).doesNotHaveDuplicates();
        assertThat(fuhyo).allSatisfy(p -> {
            assertThat(p.myNumber()).isNull();
            assertThat(CheckDigits.isValidMunicipalityCode(p.managing())).isTrue();
            assertThat(p.managing()).doesNotStartWith("13");
        });
        assertThat(fuhyo).anySatisfy(p -> assertThat(p.address()).isEqualTo("国外"));
    }

    @Test
    void malformedKeysAreRefusedNamingTheItemAndRule() {
        NationalRegister fuhyo = NationalRegister.fuhyo(List.of());
        NationalRegister honnin = NationalRegister.honnin(List.of());
        ObjectNode myNumber = Json.MAPPER.createObjectNode();
        myNumber.putObject("key").put("myNumber", newMyNumber());
        ObjectNode two = Json.MAPPER.createObjectNode();
        two.putObject("key").put("juminhyoCode", newCode()).put("myNumber", newMyNumber());
        String code = newCode();
        ObjectNode wrongDigit = Json.MAPPER.createObjectNode();
        wrongDigit.putObject("key").put("juminhyoCode", code.substring(0, 10) + (char) ('0' + (code.charAt(10) - '0' + 1) % 10));

        assertThat(refusal(fuhyo, myNumber)).isEqualTo("ITEM body.key.myNumber: unknown item");
        assertThat(refusal(honnin, two)).isEqualTo("ITEM body.key: exactly one of fourInfo, juminhyoCode, myNumber");
        assertThat(refusal(honnin, wrongDigit)).startsWith("CHECK_DIGIT body.key.juminhyoCode");
        assertThat(refusal(honnin, fourInfo("ヤマダ タロウ", null, null, null, null)))
                .isEqualTo("ITEM body.key.fourInfo: needs a name and at least one of birthDate, sex, addressPrefix");
    }
}

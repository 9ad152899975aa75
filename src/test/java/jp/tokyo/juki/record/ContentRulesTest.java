package jp.tokyo.juki.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a name or address may hold (docs/protocol.md "What a message may contain"): Unicode text
 * without half characters, without characters that display as something else or as nothing,
 * and not only spaces; a birth date not after the change; and an unknown member named without
 * repeating the peer's text — for both stores and for records of a consistency check.
 */
class ContentRulesTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 26);
    private static final Municipalities TOKYO = new Municipalities(
            Map.of("130001", "東京都", "131016", "千代田区", "131130", "渋谷区"));
    private final HonninUpdateReader honnin = new HonninUpdateReader(TOKYO);
    private final FuhyoUpdateReader fuhyo = new FuhyoUpdateReader(TOKYO);

    /** the bidi controls, zero-width characters and other invisible characters a name may not hold */
    static final List<String> INVISIBLE = List.of("\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067",
            "\u2068", "\u2069", "\u200E", "\u200F", "\u061C", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF",
            "\u0000", "\u0007", "\u001B", "\u007F", "\u0085", "\u00AD", "\u2028", "\u2029", "\uDB40\uDC01");

    private static ObjectNode honninBody() throws Exception {
        return (ObjectNode) M.readTree("{\"record\":{\"juminhyoCode\":\"24727059608\",\"name\":{\"kanji\":\"山田 太郎\","
                + "\"kana\":\"ヤマダ タロウ\",\"gaijiCount\":0,\"gaijiChangeSeq\":0},\"birthDate\":\"1980-04-01\",\"sex\":\"1\","
                + "\"address\":{\"text\":\"東京都千代田区千代田１番１号\",\"gaijiCount\":0,\"gaijiChangeSeq\":0,"
                + "\"municipalityCode\":\"131016\",\"azaCode\":\"000101\"},\"myNumber\":\"123456789018\","
                + "\"retentionFlag\":\"0\",\"gaijiFlag\":\"0\"},\"reason\":\"MOVE_IN\",\"changeDate\":\"2026-11-20\"}");
    }

    private static ObjectNode fuhyoBody() throws Exception {
        return (ObjectNode) M.readTree("{\"record\":{\"juminhyoCode\":\"24846016224\",\"name\":{\"kanji\":\"鈴木 花子\","
                + "\"kana\":\"スズキ ハナコ\",\"gaijiCount\":0},\"birthDate\":\"1975-12-03\",\"sex\":\"2\","
                + "\"address\":{\"municipalityCode\":\"131130\",\"text\":\"東京都渋谷区宇田川町１番１号\",\"gaijiCount\":0},"
                + "\"lastAddress\":{\"text\":\"東京都渋谷区宇田川町１番１号\",\"gaijiCount\":0},"
                + "\"managingMunicipalityCode\":\"131130\",\"status\":\"0\","
                + "\"gaijiFlag\":\"0\",\"noticeKind\":\"ENTRY\"},\"reason\":\"BIRTH\",\"changeDate\":\"2026-11-20\"}");
    }

    private Violation honninRefusal(ObjectNode body) {
        Violation v = catchThrowableOfType(Violation.class, () -> honnin.read(body, "131016", TODAY));
        assertThat(v).as("refused").isNotNull();
        assertThat(v.rule()).isEqualTo(Violation.Rule.ITEM);
        return v;
    }

    private Violation fuhyoRefusal(ObjectNode body) {
        Violation v = catchThrowableOfType(Violation.class, () -> fuhyo.read(body, "131130", TODAY));
        assertThat(v).as("refused").isNotNull();
        assertThat(v.rule()).isEqualTo(Violation.Rule.ITEM);
        return v;
    }

    private static ObjectNode name(ObjectNode body) {
        return (ObjectNode) body.get("record").get("name");
    }

    @Test
    void theExamplesAreAccepted() throws Exception {
        assertThat(honnin.read(honninBody(), "131016", TODAY).record().name().kanji()).isEqualTo("山田 太郎");
        assertThat(fuhyo.read(fuhyoBody(), "131130", TODAY).record().name().kanji()).isEqualTo("鈴木 花子");
    }

    @Test
    void aLoneSurrogateIsRefusedNamingTheItemAndAPairIsText() throws Exception {
        for (String half : List.of("\uD800", "\uDC00", "太\uDBFF", "\uDFB7郎")) {
            // what Jackson makes of the escape "\ud800": a string holding half a character
            ObjectNode h = honninBody();
            h.set("record", M.readTree(h.get("record").toString().replace("山田 太郎", half.equals("\uD800") ? "\\ud800"
                    : half)));
            assertThat(honninRefusal(h).detail()).isEqualTo("body.record.name.kanji: holds a lone surrogate (not Unicode text)");
            ObjectNode f = fuhyoBody();
            name(f).put("kanji", half);
            assertThat(fuhyoRefusal(f).detail()).startsWith("body.record.name.kanji: holds a lone surrogate");
        }
        ObjectNode kana = honninBody();
        name(kana).put("kana", "ヤマダ\uD800");
        assertThat(honninRefusal(kana).detail()).startsWith("body.record.name.kana: holds a lone surrogate");
        ObjectNode pair = honninBody();
        name(pair).put("kanji", "\uD842\uDFB7田 太郎"); // 𠮷田, a supplementary character
        assertThat(honnin.read(pair, "131016", TODAY).record().name().kanji()).isEqualTo("\uD842\uDFB7田 太郎");
    }

    @Test
    void bidiZeroWidthAndControlCharactersAreRefusedInNamesAndAddresses() throws Exception {
        for (String c : INVISIBLE) {
            String what = "U+" + Integer.toHexString(c.codePointAt(0));
            ObjectNode kanji = honninBody();
            name(kanji).put("kanji", "山田" + c + "太郎");
            assertThat(honninRefusal(kanji).detail()).as(what).startsWith("body.record.name.kanji: must not contain");
            ObjectNode kana = honninBody();
            name(kana).put("kana", "ヤマダ" + c + "タロウ");
            assertThat(honninRefusal(kana).detail()).as(what).startsWith("body.record.name.kana: must not contain");
            ObjectNode address = honninBody();
            ((ObjectNode) address.get("record").get("address")).put("text", "東京都" + c + "千代田区");
            assertThat(honninRefusal(address).detail()).as(what).startsWith("body.record.address.text: must not contain");
            ObjectNode f = fuhyoBody();
            name(f).put("kanji", c + "鈴木 花子");
            assertThat(fuhyoRefusal(f).detail()).as(what).startsWith("body.record.name.kanji: must not contain");
            ObjectNode last = fuhyoBody();
            ((ObjectNode) last.get("record").get("lastAddress")).put("text", "東京都渋谷区" + c);
            assertThat(fuhyoRefusal(last).detail()).as(what).startsWith("body.record.lastAddress.text: must not contain");
        }
        ObjectNode rlo = honninBody();
        name(rlo).put("kanji", "山田\u202E郎太");
        assertThat(honninRefusal(rlo).detail()).isEqualTo("body.record.name.kanji: must not contain bidirectional controls");
        ObjectNode zw = honninBody();
        name(zw).put("kanji", "山\u200B田 太郎");
        assertThat(honninRefusal(zw).detail()).isEqualTo("body.record.name.kanji: must not contain zero-width characters");
    }

    @Test
    void variationSelectorsAreNoControlCharacters() throws Exception {
        ObjectNode ivs = honninBody();
        name(ivs).put("kanji", "葛\uDB40\uDD00飾 太郎\uFE00");
        assertThat(honnin.read(ivs, "131016", TODAY).record().name().kanji()).isEqualTo("葛\uDB40\uDD00飾 太郎\uFE00");
    }

    @Test
    void aNameOfOnlySpacesIsRefused() throws Exception {
        for (String blank : List.of(" ", "   ", "\u3000", "\u3000 \u3000", "\u00A0", "\u2003")) {
            ObjectNode kanji = honninBody();
            name(kanji).put("kanji", blank);
            assertThat(honninRefusal(kanji).detail()).isEqualTo("body.record.name.kanji: must not be blank");
            ObjectNode kana = honninBody();
            name(kana).put("kana", blank);
            assertThat(honninRefusal(kana).detail()).startsWith("body.record.name.kana: must");
            ObjectNode f = fuhyoBody();
            name(f).put("kanji", blank);
            assertThat(fuhyoRefusal(f).detail()).isEqualTo("body.record.name.kanji: must not be blank");
            ObjectNode former = honninBody();
            ((ObjectNode) former.get("record")).putObject("formerSurname").put("kanji", blank).put("kana", "サトウ")
                    .put("gaijiCount", 0).put("gaijiChangeSeq", 0);
            assertThat(honninRefusal(former).detail()).isEqualTo("body.record.formerSurname.kanji: must not be blank");
        }
        // a space between surname and given name, ASCII or 全角, is as before
        ObjectNode spaced = honninBody();
        name(spaced).put("kanji", "山田\u3000太郎").put("kana", "ヤマダ\u3000タロウ");
        assertThat(honnin.read(spaced, "131016", TODAY).record().name().kana()).isEqualTo("ヤマダ\u3000タロウ");
    }

    @Test
    void aNameOfOnlyFillersOrWithoutALetterIsRefused() throws Exception {
        // Hangul fillers, the braille blank and the combining grapheme joiner display as nothing but are no spaces
        for (String filler : List.of("\u3164", "\u115F", "\u1160", "\uFFA0", "\u2800", "\u034F")) {
            String what = "U+" + Integer.toHexString(filler.codePointAt(0));
            ObjectNode kanji = honninBody();
            name(kanji).put("kanji", filler.repeat(3));
            assertThat(honninRefusal(kanji).detail()).as(what).isEqualTo("body.record.name.kanji: must not contain blank fillers");
            ObjectNode between = honninBody();
            name(between).put("kanji", "山田" + filler + "太郎");
            assertThat(honninRefusal(between).detail()).as(what).isEqualTo("body.record.name.kanji: must not contain blank fillers");
            ObjectNode f = fuhyoBody();
            name(f).put("kanji", filler);
            assertThat(fuhyoRefusal(f).detail()).as(what).isEqualTo("body.record.name.kanji: must not contain blank fillers");
            ObjectNode address = honninBody();
            ((ObjectNode) address.get("record").get("address")).put("text", "東京都" + filler + "千代田区");
            assertThat(honninRefusal(address).detail()).as(what).startsWith("body.record.address.text: must not contain");
        }
        // no letter at all: punctuation, symbols, digits
        for (String noLetter : List.of("・", "・ ・", "123", "※", "\u2801\u2802", "-")) {
            ObjectNode kanji = honninBody();
            name(kanji).put("kanji", noLetter);
            assertThat(honninRefusal(kanji).detail()).as(noLetter)
                    .isEqualTo("body.record.name.kanji: must contain a letter or a {MJ......} reference");
            ObjectNode f = fuhyoBody();
            name(f).put("kanji", noLetter);
            assertThat(fuhyoRefusal(f).detail()).as(noLetter)
                    .isEqualTo("body.record.name.kanji: must contain a letter or a {MJ......} reference");
        }
        // a name that is only a gaiji reference is a name
        ObjectNode gaiji = honninBody();
        name(gaiji).put("kanji", "{MJ012345}").put("gaijiCount", 1);
        ((ObjectNode) gaiji.get("record")).put("gaijiFlag", "1");
        assertThat(honnin.read(gaiji, "131016", TODAY).record().name().kanji()).isEqualTo("{MJ012345}");
    }

    @Test
    void aBirthDateAfterTheChangeDateIsRefusedInBothStores() throws Exception {
        ObjectNode h = honninBody();
        ((ObjectNode) h.get("record")).put("birthDate", "2026-11-21");
        assertThat(honninRefusal(h).detail()).isEqualTo("body.record.birthDate: must not be after body.changeDate");
        ObjectNode f = fuhyoBody();
        ((ObjectNode) f.get("record")).put("birthDate", "2026-11-21");
        assertThat(fuhyoRefusal(f).detail()).isEqualTo("body.record.birthDate: must not be after body.changeDate");
        // born on the day of the change (a birth is notified with its birth date): accepted
        ObjectNode birth = honninBody().put("reason", "BIRTH");
        ((ObjectNode) birth.get("record")).put("birthDate", "2026-11-20");
        assertThat(honnin.read(birth, "131016", TODAY).record().birthDate()).isEqualTo("2026-11-20");
        // a register date that is no calendar date is compared as the text it is
        ObjectNode register = fuhyoBody().put("changeDate", "2025-03-01");
        ((ObjectNode) register.get("record")).put("birthDate", "2025-02-29");
        assertThat(fuhyo.read(register, "131130", TODAY).record().birthDate()).isEqualTo("2025-02-29");
        ((ObjectNode) register.get("record")).put("birthDate", "2025-03-02");
        assertThat(fuhyoRefusal(register).detail()).startsWith("body.record.birthDate");
    }

    @Test
    void consistencyRecordsFollowTheSameRules() throws Exception {
        ObjectNode r = (ObjectNode) honninBody().get("record");
        ((ObjectNode) r.get("name")).put("kanji", "山田\u202E太郎");
        assertThatThrownBy(() -> honnin.readRecord(r, "131016", "body.records[0]")).isInstanceOf(Violation.class)
                .hasMessage("body.records[0].name.kanji: must not contain bidirectional controls");
        ObjectNode f = (ObjectNode) fuhyoBody().get("record");
        ((ObjectNode) f.get("name")).put("kana", "\u3000");
        assertThatThrownBy(() -> fuhyo.readRecord(f, "131130", "body.records[4]")).isInstanceOf(Violation.class)
                .hasMessage("body.records[4].name.kana: must not be blank");
    }

    @Test
    void anUnknownMemberIsNamedOnlyByAProtocolWordOrByPosition() throws Exception {
        String planted = "山田太郎 123456789018 東京都千代田区\r\n\u001B[2J";
        ObjectNode h = honninBody();
        ((ObjectNode) h.get("record").get("name")).put(planted, 1);
        Violation v = honninRefusal(h);
        assertThat(v.detail()).isEqualTo("body.record.name: member 5 unknown (allowed: gaijiChangeSeq, gaijiCount, kana, kanji)");
        assertThat(v.detail()).doesNotContain("山田", "123456789018", "千代田", "\r", "\n", "\u001B");
        ObjectNode identifierLike = honninBody();
        ((ObjectNode) identifierLike.get("record")).put("yamadaTaro123456789018", 1);
        assertThat(honninRefusal(identifierLike).detail()).startsWith("body.record: member 9 unknown (allowed: address, ")
                .doesNotContain("yamada", "123456789018");
        ObjectNode body = honninBody().put(planted, "x");
        assertThat(honninRefusal(body).detail()).startsWith("body: member 4 unknown").doesNotContain("山田");
        // a word of the protocol in the wrong place is named: it says what is wrong and is nobody's data
        ObjectNode f = fuhyoBody();
        ((ObjectNode) f.get("record")).put("myNumber", "123456789018");
        assertThat(fuhyoRefusal(f).detail()).isEqualTo("body.record.myNumber: unknown item");
    }
}

package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Items;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.record.Violation;

/**
 * Reads the records of a national server's answer (PROTOCOL §3.1, §3.2) with the item rules of
 * §3.4. Unlike a CS's records they may be anyone's in Japan, so the Tokyo and sender rules of
 * the update readers do not apply; everything else does, so what the agency flow passes on is
 * well formed.
 */
final class NationalRecords {
    private static final Set<String> HONNIN = Set.of("juminhyoCode", "name", "birthDate", "sex", "address", "myNumber",
            "retentionFlag", "gaijiFlag", "formerSurname");
    private static final Set<String> HONNIN_REQUIRED = Set.of("juminhyoCode", "name", "birthDate", "sex", "address",
            "myNumber", "retentionFlag", "gaijiFlag");
    private static final Set<String> HONNIN_NAME = Set.of("kanji", "kana", "gaijiCount", "gaijiChangeSeq");
    private static final Set<String> HONNIN_ADDRESS = Set.of("text", "gaijiCount", "gaijiChangeSeq", "municipalityCode",
            "azaCode");
    private static final Set<String> FUHYO = Set.of("juminhyoCode", "name", "birthDate", "sex", "address",
            "lastAddress", "formerJuminhyoCode", "managingMunicipalityCode", "status", "gaijiFlag", "gaijiPattern",
            "noticeKind");
    private static final Set<String> FUHYO_REQUIRED = Set.of("juminhyoCode", "name", "birthDate", "sex", "address",
            "lastAddress", "managingMunicipalityCode", "status", "gaijiFlag", "noticeKind");
    private static final Set<String> FUHYO_NAME = Set.of("kanji", "kana", "gaijiCount");
    private static final Set<String> FUHYO_ADDRESS = Set.of("municipalityCode", "text", "gaijiCount");
    private static final Set<String> LAST_ADDRESS = Set.of("text", "gaijiCount");
    private static final int NAME_MAX = 100;
    private static final int ADDRESS_MAX = 200;

    private NationalRecords() {
    }

    static HonninRecord honnin(JsonNode r, String p) throws Violation {
        Items.checkObject(r, p, HONNIN, HONNIN_REQUIRED);
        String code = Items.juminhyoCode(r, "juminhyoCode", p + ".juminhyoCode");
        Name name = name(Items.object(r, "name", p + ".name", HONNIN_NAME, HONNIN_NAME), p + ".name");
        String birthDate = Items.date(r, "birthDate", p + ".birthDate", false);
        String sex = Items.oneOf(r, "sex", p + ".sex", Set.of("1", "2"));
        JsonNode a = Items.object(r, "address", p + ".address", HONNIN_ADDRESS, HONNIN_ADDRESS);
        int addressGaiji = Items.count(a, "gaijiCount", p + ".address.gaijiCount");
        String aza = Items.text(a, "azaCode", p + ".address.azaCode");
        if (aza.isEmpty() || aza.length() > 12 || !aza.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw Violation.item(p + ".address.azaCode", "must be 1-12 digits");
        }
        Address address = new Address(Items.text(a, "text", p + ".address.text", ADDRESS_MAX, addressGaiji), addressGaiji,
                Items.count(a, "gaijiChangeSeq", p + ".address.gaijiChangeSeq"),
                Items.municipalityCode(a, "municipalityCode", p + ".address.municipalityCode"), aza);
        String myNumber = Items.myNumber(r, "myNumber", p + ".myNumber");
        String retention = Items.oneOf(r, "retentionFlag", p + ".retentionFlag", Set.of("0", "1"));
        String gaijiFlag = Items.oneOf(r, "gaijiFlag", p + ".gaijiFlag", Set.of("0", "1"));
        Name former = r.has("formerSurname")
                ? name(Items.object(r, "formerSurname", p + ".formerSurname", HONNIN_NAME, HONNIN_NAME), p + ".formerSurname")
                : null;
        return new HonninRecord(code, name, birthDate, sex, address, myNumber, retention, gaijiFlag, former);
    }

    private static Name name(JsonNode n, String p) throws Violation {
        int gaiji = Items.count(n, "gaijiCount", p + ".gaijiCount");
        return new Name(Items.text(n, "kanji", p + ".kanji", NAME_MAX, gaiji), Items.kana(n, "kana", p + ".kana", NAME_MAX),
                gaiji, Items.count(n, "gaijiChangeSeq", p + ".gaijiChangeSeq"));
    }

    static FuhyoRecord fuhyo(JsonNode r, String p) throws Violation {
        Items.checkObject(r, p, FUHYO, FUHYO_REQUIRED);
        String code = Items.juminhyoCode(r, "juminhyoCode", p + ".juminhyoCode");
        JsonNode n = Items.object(r, "name", p + ".name", FUHYO_NAME, FUHYO_NAME);
        int nameGaiji = Items.count(n, "gaijiCount", p + ".name.gaijiCount");
        FuhyoRecord.Name name = new FuhyoRecord.Name(Items.text(n, "kanji", p + ".name.kanji", NAME_MAX, nameGaiji),
                Items.kana(n, "kana", p + ".name.kana", NAME_MAX), nameGaiji);
        String birthDate = Items.date(r, "birthDate", p + ".birthDate", false);
        String sex = Items.oneOf(r, "sex", p + ".sex", Set.of("1", "2"));
        JsonNode a = Items.object(r, "address", p + ".address", FUHYO_ADDRESS, FUHYO_ADDRESS);
        int addressGaiji = Items.count(a, "gaijiCount", p + ".address.gaijiCount");
        FuhyoRecord.Address address = new FuhyoRecord.Address(
                Items.municipalityCode(a, "municipalityCode", p + ".address.municipalityCode"),
                Items.text(a, "text", p + ".address.text", ADDRESS_MAX, addressGaiji), addressGaiji);
        JsonNode l = Items.object(r, "lastAddress", p + ".lastAddress", LAST_ADDRESS, LAST_ADDRESS);
        int lastGaiji = Items.count(l, "gaijiCount", p + ".lastAddress.gaijiCount");
        FuhyoRecord.LastAddress last = new FuhyoRecord.LastAddress(
                Items.text(l, "text", p + ".lastAddress.text", ADDRESS_MAX, lastGaiji), lastGaiji);
        String former = r.has("formerJuminhyoCode")
                ? Items.juminhyoCode(r, "formerJuminhyoCode", p + ".formerJuminhyoCode") : null;
        String managing = Items.municipalityCode(r, "managingMunicipalityCode", p + ".managingMunicipalityCode");
        String status = Items.oneOf(r, "status", p + ".status", Set.of("0", "1"));
        String gaijiFlag = Items.oneOf(r, "gaijiFlag", p + ".gaijiFlag", Set.of("0", "1"));
        String pattern = r.has("gaijiPattern") ? Items.text(r, "gaijiPattern", p + ".gaijiPattern") : null;
        String kind = Items.oneOf(r, "noticeKind", p + ".noticeKind", Set.of("ENTRY", "CHANGE", "DELETION"));
        return new FuhyoRecord(code, name, birthDate, sex, address, last, former, managing, status, gaijiFlag, pattern,
                kind);
    }
}

package jp.tokyo.juki.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.Set;

/**
 * Reads and checks the body of a {@code HONNIN_UPDATE} (PROTOCOL §3.1, §3.4): every item
 * rule that does not need the store. The store's rules (R-VAL-LOGIC) come later.
 */
public final class HonninUpdateReader {
    private static final Set<String> BODY = Set.of("record", "reason", "changeDate", "formerJuminhyoCode");
    private static final Set<String> BODY_REQUIRED = Set.of("record", "reason", "changeDate");
    private static final Set<String> RECORD = Set.of("juminhyoCode", "name", "birthDate", "sex", "address", "myNumber",
            "retentionFlag", "gaijiFlag", "formerSurname");
    private static final Set<String> RECORD_REQUIRED = Set.of("juminhyoCode", "name", "birthDate", "sex", "address",
            "myNumber", "retentionFlag", "gaijiFlag");
    private static final Set<String> NAME = Set.of("kanji", "kana", "gaijiCount", "gaijiChangeSeq");
    private static final Set<String> ADDRESS = Set.of("text", "gaijiCount", "gaijiChangeSeq", "municipalityCode", "azaCode");
    private static final int NAME_MAX = 100;
    private static final int ADDRESS_MAX = 200;

    private final Municipalities tokyo;

    public HonninUpdateReader(Municipalities tokyo) {
        this.tokyo = tokyo;
    }

    /**
     * @param sender the envelope sender, already matched against the certificate
     * @param today  the gateway's date, for "changeDate not in the future"
     */
    public HonninUpdate read(JsonNode body, String sender, LocalDate today) throws Violation {
        Items.checkObject(body, "body", BODY, BODY_REQUIRED);
        String reasonText = Items.text(body, "reason", "body.reason");
        Reason reason = Reason.parse(reasonText)
                .orElseThrow(() -> Violation.item("body.reason", "unknown reason"));
        String changeDateText = Items.date(body, "changeDate", "body.changeDate", true);
        LocalDate changeDate = LocalDate.parse(changeDateText);
        if (changeDate.isAfter(today)) {
            throw Violation.item("body.changeDate", "must not be in the future");
        }
        String formerCode = null;
        if (reason == Reason.JUMINHYO_CODE_CHANGE) {
            formerCode = Items.juminhyoCode(body, "formerJuminhyoCode", "body.formerJuminhyoCode");
        } else if (body.has("formerJuminhyoCode")) {
            throw Violation.item("body.formerJuminhyoCode", "only with reason JUMINHYO_CODE_CHANGE");
        }
        HonninRecord record = readRecordMembers(Items.object(body, "record", "body.record", RECORD, RECORD_REQUIRED),
                sender, "body.record");
        if (formerCode != null && formerCode.equals(record.juminhyoCode())) {
            throw Violation.item("body.formerJuminhyoCode", "must differ from record.juminhyoCode");
        }
        Items.bornBy(record.birthDate(), changeDate, "body.record.birthDate");
        return new HonninUpdate(record, reason, changeDate, formerCode);
    }

    /**
     * Reads one honnin record (PROTOCOL §3.1) wherever it stands (a consistency chunk, …);
     * {@code address.municipalityCode} must equal {@code sender}.
     *
     * @param path how violations name the record, e.g. {@code body.records[3]}
     */
    public HonninRecord readRecord(JsonNode r, String sender, String path) throws Violation {
        return readRecordMembers(Items.checkObject(r, path, RECORD, RECORD_REQUIRED), sender, path);
    }

    /**
     * Reads one honnin record of anyone in Japan — a national server's answer: every item rule
     * of PROTOCOL §3.1/§3.4, but the address may be in any municipality.
     */
    public static HonninRecord readRecordOfAnyone(JsonNode r, String path) throws Violation {
        return new HonninUpdateReader(null).readRecordMembers(Items.checkObject(r, path, RECORD, RECORD_REQUIRED),
                null, path);
    }

    private HonninRecord readRecordMembers(JsonNode r, String sender, String p) throws Violation {
        String code = Items.juminhyoCode(r, "juminhyoCode", p + ".juminhyoCode");
        Name name = readName(Items.object(r, "name", p + ".name", NAME, NAME), p + ".name");
        String birthDate = Items.date(r, "birthDate", p + ".birthDate", false);
        String sex = Items.oneOf(r, "sex", p + ".sex", Set.of("1", "2"));
        Address address = readAddress(Items.object(r, "address", p + ".address", ADDRESS, ADDRESS), p + ".address", sender);
        String myNumber = Items.myNumber(r, "myNumber", p + ".myNumber");
        String retention = Items.oneOf(r, "retentionFlag", p + ".retentionFlag", Set.of("0", "1"));
        String gaijiFlag = Items.oneOf(r, "gaijiFlag", p + ".gaijiFlag", Set.of("0", "1"));
        Name former = null;
        if (r.has("formerSurname")) {
            former = readName(Items.object(r, "formerSurname", p + ".formerSurname", NAME, NAME), p + ".formerSurname");
        }
        boolean anyGaiji = name.gaijiCount() > 0 || address.gaijiCount() > 0 || (former != null && former.gaijiCount() > 0);
        if (anyGaiji != "1".equals(gaijiFlag)) {
            throw Violation.item(p + ".gaijiFlag", "must be 1 exactly when some gaijiCount > 0");
        }
        return new HonninRecord(code, name, birthDate, sex, address, myNumber, retention, gaijiFlag, former);
    }

    private static Name readName(JsonNode n, String path) throws Violation {
        int gaiji = Items.count(n, "gaijiCount", path + ".gaijiCount");
        int changeSeq = Items.count(n, "gaijiChangeSeq", path + ".gaijiChangeSeq");
        String kanji = Items.text(n, "kanji", path + ".kanji", NAME_MAX, gaiji);
        String kana = Items.kana(n, "kana", path + ".kana", NAME_MAX);
        return new Name(kanji, kana, gaiji, changeSeq);
    }

    private Address readAddress(JsonNode a, String path, String sender) throws Violation {
        int gaiji = Items.count(a, "gaijiCount", path + ".gaijiCount");
        int changeSeq = Items.count(a, "gaijiChangeSeq", path + ".gaijiChangeSeq");
        String text = Items.text(a, "text", path + ".text", ADDRESS_MAX, gaiji);
        String municipality = Items.municipalityCode(a, "municipalityCode", path + ".municipalityCode");
        // a record of anyone (sender null) may live anywhere; a CS's must be of its own municipality
        if (sender != null && !tokyo.isMunicipality(municipality)) {
            throw new Violation(Violation.Rule.PREFECTURE, path + ".municipalityCode: not a municipality of this prefecture");
        }
        if (sender != null && !municipality.equals(sender)) {
            throw new Violation(Violation.Rule.SENDER, path + ".municipalityCode: must equal the sender");
        }
        String aza = Items.text(a, "azaCode", path + ".azaCode");
        if (aza.isEmpty() || aza.length() > 12 || !aza.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw Violation.item(path + ".azaCode", "must be 1-12 digits");
        }
        return new Address(text, gaiji, changeSeq, municipality, aza);
    }
}

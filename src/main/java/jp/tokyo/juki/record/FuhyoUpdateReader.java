package jp.tokyo.juki.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.Set;

/**
 * Reads and checks the body of a {@code FUHYO_UPDATE} (PROTOCOL §3.2, §3.4): every item rule
 * that does not need the store. A fuhyo record carries no My Number; one that tries is refused
 * like any other unknown item.
 */
public final class FuhyoUpdateReader {
    private static final Set<String> BODY = Set.of("record", "reason", "changeDate");
    private static final Set<String> RECORD = Set.of("juminhyoCode", "name", "birthDate", "sex", "address",
            "lastAddress", "formerJuminhyoCode", "managingMunicipalityCode", "status", "gaijiFlag", "gaijiPattern",
            "noticeKind");
    private static final Set<String> RECORD_REQUIRED = Set.of("juminhyoCode", "name", "birthDate", "sex", "address",
            "lastAddress", "managingMunicipalityCode", "status", "gaijiFlag", "noticeKind");
    private static final Set<String> NAME = Set.of("kanji", "kana", "gaijiCount");
    private static final Set<String> ADDRESS = Set.of("municipalityCode", "text", "gaijiCount");
    private static final Set<String> LAST_ADDRESS = Set.of("text", "gaijiCount");
    private static final Set<String> NOTICE_KINDS = Set.of("ENTRY", "CHANGE", "DELETION");
    /** address.text of a person who moved abroad (国外転出者) */
    public static final String ABROAD = "国外";
    private static final int NAME_MAX = 100;
    private static final int ADDRESS_MAX = 200;
    private static final int PATTERN_MAX = 64;

    private final Municipalities tokyo;

    public FuhyoUpdateReader(Municipalities tokyo) {
        this.tokyo = tokyo;
    }

    /**
     * @param sender the envelope sender, already matched against the certificate
     * @param today  the gateway's date, for "changeDate not in the future"
     */
    public FuhyoUpdate read(JsonNode body, String sender, LocalDate today) throws Violation {
        Items.checkObject(body, "body", BODY, BODY);
        Reason reason = Reason.parse(Items.text(body, "reason", "body.reason"))
                .orElseThrow(() -> Violation.item("body.reason", "unknown reason"));
        LocalDate changeDate = LocalDate.parse(Items.date(body, "changeDate", "body.changeDate", true));
        if (changeDate.isAfter(today)) {
            throw Violation.item("body.changeDate", "must not be in the future");
        }
        FuhyoRecord record = readRecord(body.get("record"), sender, "body.record");
        Items.bornBy(record.birthDate(), changeDate, "body.record.birthDate");
        if (!fits(record.noticeKind(), reason)) {
            throw Violation.item("body.record.noticeKind", "does not fit the reason");
        }
        // a move abroad leaves the person abroad; a move within Japan (or back from abroad) does not
        if (reason == Reason.MOVE_OUT_ABROAD && !record.abroad()) {
            throw Violation.item("body.record.status", "must be 1 with MOVE_OUT_ABROAD");
        }
        if (DOMESTIC_MOVES.contains(reason) && record.abroad()) {
            throw Violation.item("body.record.status", "must be 0 with " + reason.name());
        }
        if (reason == Reason.JUMINHYO_CODE_CHANGE && record.formerJuminhyoCode() == null) {
            throw Violation.item("body.record.formerJuminhyoCode", "required with reason JUMINHYO_CODE_CHANGE");
        }
        return new FuhyoUpdate(record, reason, changeDate);
    }

    /**
     * Which reasons a fuhyo notice kind takes (docs/protocol.md): an annex is entered and
     * deleted with the family register, so ENTRY and DELETION take the entry and deletion
     * reasons; a move — into, out of, within the municipality or abroad — only changes the
     * annex's address, so CHANGE takes the moves as well as the corrections.
     */
    static boolean fits(String noticeKind, Reason reason) {
        return switch (noticeKind) {
            case "ENTRY" -> reason.kind() == Reason.Kind.ENTRY;
            case "DELETION" -> reason.kind() == Reason.Kind.DELETION;
            default -> reason.kind() == Reason.Kind.CHANGE || MOVES.contains(reason);
        };
    }

    private static final Set<Reason> DOMESTIC_MOVES = Set.of(Reason.MOVE_IN, Reason.MOVE_IN_FROM_ABROAD, Reason.MOVE_OUT,
            Reason.MOVE_WITHIN);
    private static final Set<Reason> MOVES = Set.of(Reason.MOVE_IN, Reason.MOVE_IN_FROM_ABROAD, Reason.MOVE_OUT,
            Reason.MOVE_OUT_ABROAD);

    /**
     * Reads one fuhyo record of anyone in Japan — a national server's answer: every item rule
     * of PROTOCOL §3.2/§3.4, but the annex may be kept by any municipality.
     */
    public static FuhyoRecord readRecordOfAnyone(JsonNode r, String path) throws Violation {
        return new FuhyoUpdateReader(null).readRecord(r, null, path);
    }

    /**
     * Reads one fuhyo record (PROTOCOL §3.2) wherever it stands (an update body, a consistency
     * chunk); {@code managingMunicipalityCode} must be a Tokyo municipality and equal {@code sender}.
     *
     * @param path how violations name the record, e.g. {@code body.records[3]}
     */
    public FuhyoRecord readRecord(JsonNode r, String sender, String path) throws Violation {
        if (r == null || r.isNull()) {
            throw Violation.item(path, "required");
        }
        Items.checkObject(r, path, RECORD, RECORD_REQUIRED);
        String p = path + ".";
        String code = Items.juminhyoCode(r, "juminhyoCode", p + "juminhyoCode");
        JsonNode n = Items.object(r, "name", p + "name", NAME, NAME);
        int nameGaiji = Items.count(n, "gaijiCount", p + "name.gaijiCount");
        FuhyoRecord.Name name = new FuhyoRecord.Name(Items.text(n, "kanji", p + "name.kanji", NAME_MAX, nameGaiji),
                Items.kana(n, "kana", p + "name.kana", NAME_MAX), nameGaiji);
        String birthDate = Items.date(r, "birthDate", p + "birthDate", false);
        String sex = Items.oneOf(r, "sex", p + "sex", Set.of("1", "2"));
        JsonNode a = Items.object(r, "address", p + "address", ADDRESS, ADDRESS);
        int addressGaiji = Items.count(a, "gaijiCount", p + "address.gaijiCount");
        // the address may be anywhere in Japan (or abroad): any valid municipality code
        FuhyoRecord.Address address = new FuhyoRecord.Address(
                Items.municipalityCode(a, "municipalityCode", p + "address.municipalityCode"),
                Items.text(a, "text", p + "address.text", ADDRESS_MAX, addressGaiji), addressGaiji);
        JsonNode l = Items.object(r, "lastAddress", p + "lastAddress", LAST_ADDRESS, LAST_ADDRESS);
        int lastGaiji = Items.count(l, "gaijiCount", p + "lastAddress.gaijiCount");
        FuhyoRecord.LastAddress last = new FuhyoRecord.LastAddress(
                Items.text(l, "text", p + "lastAddress.text", ADDRESS_MAX, lastGaiji), lastGaiji);
        String former = null;
        if (r.has("formerJuminhyoCode")) {
            former = Items.juminhyoCode(r, "formerJuminhyoCode", p + "formerJuminhyoCode");
            if (former.equals(code)) {
                throw Violation.item(p + "formerJuminhyoCode", "must differ from juminhyoCode");
            }
        }
        String managing = Items.municipalityCode(r, "managingMunicipalityCode", p + "managingMunicipalityCode");
        // a record of anyone (sender null) may be on any municipality's annex; a CS's must be on its own
        if (sender != null && !tokyo.isMunicipality(managing)) {
            throw new Violation(Violation.Rule.PREFECTURE, p + "managingMunicipalityCode: not a municipality of this prefecture");
        }
        if (sender != null && !managing.equals(sender)) {
            throw new Violation(Violation.Rule.SENDER, p + "managingMunicipalityCode: must equal the sender");
        }
        String status = Items.oneOf(r, "status", p + "status", Set.of("0", "1"));
        if ("1".equals(status) != ABROAD.equals(address.text())) {
            throw Violation.item(p + "status", "1 exactly when address.text is " + ABROAD);
        }
        String gaijiFlag = Items.oneOf(r, "gaijiFlag", p + "gaijiFlag", Set.of("0", "1"));
        if ((nameGaiji > 0 || addressGaiji > 0 || lastGaiji > 0) != "1".equals(gaijiFlag)) {
            throw Violation.item(p + "gaijiFlag", "must be 1 exactly when some gaijiCount > 0");
        }
        String pattern = null;
        if (r.has("gaijiPattern")) {
            pattern = Items.text(r, "gaijiPattern", p + "gaijiPattern");
            if (pattern.length() > PATTERN_MAX || !pattern.chars().allMatch(c -> c < 0x80 && Character.isLetterOrDigit(c))) {
                throw Violation.item(p + "gaijiPattern", "at most " + PATTERN_MAX + " ASCII letters and digits");
            }
        }
        String kind = Items.oneOf(r, "noticeKind", p + "noticeKind", NOTICE_KINDS);
        return new FuhyoRecord(code, name, birthDate, sex, address, last, former, managing, status, gaijiFlag,
                pattern, kind);
    }
}

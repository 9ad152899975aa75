package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.FuhyoUpdateReader;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Violation;

/**
 * Reads the records of a national server's answer (PROTOCOL §3.1, §3.2) with the item rules of
 * §3.4 — the update readers' own, so the agency flow passes on only well-formed records. Unlike
 * a CS's records they may be anyone's in Japan, so the Tokyo and sender rules do not apply.
 */
final class NationalRecords {
    private NationalRecords() {
    }

    static HonninRecord honnin(JsonNode r, String p) throws Violation {
        return HonninUpdateReader.readRecordOfAnyone(r, p);
    }

    static FuhyoRecord fuhyo(JsonNode r, String p) throws Violation {
        return FuhyoUpdateReader.readRecordOfAnyone(r, p);
    }
}

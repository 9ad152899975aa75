package jp.tokyo.juki.honnin;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import jp.tokyo.juki.consistency.ConsistencySource;
import jp.tokyo.juki.consistency.ItemDigest;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.record.Violation;

/**
 * The honnin store in the consistency check (本人確認情報の整合): a CS record is read with the
 * update's item rules; the compared items are the record's top-level members (PROTOCOL §3.1);
 * the store side is {@code honnin.resident}'s current persons of the municipality, in code
 * order along the index {@code (municipality_code, juminhyo_code)}.
 */
public final class HonninConsistencySource implements ConsistencySource<HonninRecord> {
    private static final List<String> ITEMS = List.of("name", "birthDate", "sex", "address", "myNumber",
            "retentionFlag", "gaijiFlag", "formerSurname");
    private static final int FETCH = 2000;

    private final HonninUpdateReader reader;

    public HonninConsistencySource(HonninUpdateReader reader) {
        this.reader = reader;
    }

    @Override
    public String store() {
        return "HONNIN";
    }

    @Override
    public List<String> items() {
        return ITEMS;
    }

    @Override
    public HonninRecord read(JsonNode record, String sender, String path) throws Violation {
        return reader.readRecord(record, sender, path);
    }

    @Override
    public String juminhyoCode(HonninRecord record) {
        return record.juminhyoCode();
    }

    @Override
    public void digest(HonninRecord r, ItemDigest d, long[] out) {
        out[0] = name(d, r.name());
        out[1] = d.add(r.birthDate()).end();
        out[2] = d.add(r.sex()).end();
        Address a = r.address();
        out[3] = d.add(a.text()).add(a.gaijiCount()).add(a.gaijiChangeSeq()).add(a.municipalityCode()).add(a.azaCode()).end();
        out[4] = d.add(r.myNumber()).end();
        out[5] = d.add(r.retentionFlag()).end();
        out[6] = d.add(r.gaijiFlag()).end();
        out[7] = r.formerSurname() == null ? d.add((String) null).end() : name(d, r.formerSurname());
    }

    private static long name(ItemDigest d, Name n) {
        return d.add(n.kanji()).add(n.kana()).add(n.gaijiCount()).add(n.gaijiChangeSeq()).end();
    }

    @Override
    public Cursor<HonninRecord> current(Connection c, String municipality) throws SQLException {
        // the record's columns only, mapped by the store's own readRecord: what is compared is what the store holds
        return Cursor.of(c, "SELECT " + HonninStore.RECORD_COLUMNS + " FROM honnin.resident "
                + "WHERE municipality_code = ? AND NOT deleted ORDER BY juminhyo_code", municipality, FETCH, HonninStore::readRecord);
    }
}

package jp.tokyo.juki.honnin;

import java.util.List;
import jp.tokyo.juki.consistency.ConsistencySource;
import jp.tokyo.juki.consistency.ItemDigest;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.store.StoreConsistency;

/**
 * The honnin store in the consistency check (本人確認情報の整合): a CS record is read with the
 * update's item rules; the compared items are the record's top-level members (PROTOCOL §3.1);
 * the store side is {@code honnin.resident}'s current persons of the municipality, in code
 * order along the index {@code (municipality_code, juminhyo_code)}.
 */
public final class HonninConsistency {
    private static final List<String> ITEMS = List.of("name", "birthDate", "sex", "address", "myNumber",
            "retentionFlag", "gaijiFlag", "formerSurname");

    private HonninConsistency() {
    }

    /** The honnin store's source for the consistency check, reading CS records with {@code reader}. */
    public static ConsistencySource<HonninRecord> source(HonninUpdateReader reader) {
        // the record's columns only, mapped by the store's own readRecord: what is compared is what the store holds
        return new StoreConsistency<>("HONNIN", ITEMS, reader::readRecord, HonninRecord::juminhyoCode,
                HonninConsistency::digest, new StoreConsistency.Table<>("honnin.resident", HonninStore.RECORD_COLUMNS,
                "municipality_code", HonninStore::readRecord));
    }

    private static void digest(HonninRecord r, ItemDigest d, long[] out) {
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
}

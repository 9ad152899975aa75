package jp.tokyo.juki.fuhyo;

import java.util.List;
import jp.tokyo.juki.consistency.ConsistencySource;
import jp.tokyo.juki.consistency.ItemDigest;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.FuhyoUpdateReader;
import jp.tokyo.juki.store.StoreConsistency;

/**
 * The fuhyo store in the consistency check (附票本人確認情報の整合): a CS record is read with the
 * update's item rules; the compared items are the record's top-level members (PROTOCOL §3.2)
 * except {@code noticeKind}, which says what a notice does, not what the person is; the store
 * side is {@code fuhyo.person}'s current persons whose 附票管理市町村 is the sender, in code
 * order along the index {@code (managing_municipality_code, juminhyo_code)}.
 */
public final class FuhyoConsistency {
    private static final List<String> ITEMS = List.of("name", "birthDate", "sex", "address", "lastAddress",
            "formerJuminhyoCode", "managingMunicipalityCode", "status", "gaijiFlag", "gaijiPattern");

    private FuhyoConsistency() {
    }

    /** The fuhyo store's source for the consistency check, reading CS records with {@code reader}. */
    public static ConsistencySource<FuhyoRecord> source(FuhyoUpdateReader reader) {
        return new StoreConsistency<>("FUHYO", ITEMS, reader::readRecord, FuhyoRecord::juminhyoCode,
                FuhyoConsistency::digest, new StoreConsistency.Table<>("fuhyo.person", FuhyoStore.COLUMNS,
                "managing_municipality_code", rs -> FuhyoStore.read(rs).record()));
    }

    private static void digest(FuhyoRecord r, ItemDigest d, long[] out) {
        out[0] = d.add(r.name().kanji()).add(r.name().kana()).add(r.name().gaijiCount()).end();
        out[1] = d.add(r.birthDate()).end();
        out[2] = d.add(r.sex()).end();
        out[3] = d.add(r.address().municipalityCode()).add(r.address().text()).add(r.address().gaijiCount()).end();
        out[4] = d.add(r.lastAddress().text()).add(r.lastAddress().gaijiCount()).end();
        out[5] = d.add(r.formerJuminhyoCode()).end();
        out[6] = d.add(r.managingMunicipalityCode()).end();
        out[7] = d.add(r.status()).end();
        out[8] = d.add(r.gaijiFlag()).end();
        // an absent and an empty 外字パターン both say "no pattern"
        out[9] = d.add(r.gaijiPattern() == null ? "" : r.gaijiPattern()).end();
    }
}

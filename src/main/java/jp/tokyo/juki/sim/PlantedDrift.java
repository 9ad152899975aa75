package jp.tokyo.juki.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;

/**
 * The consistency simulator's deliberate differences, known in advance: of the municipality's
 * {@link ResidentSet}, a share {@code drift} split in three — a third sent changed in known items,
 * a third left out (missing at the CS), and as many again extra persons the store has never seen
 * (missing in the store) — and the result the gateway must answer for them.
 */
final class PlantedDrift {
    /** salts of {@link ResidentSet#roll}: which persons drift, and which change they get */
    private static final long DRIFT = 7;
    private static final long VARIANT = 8;

    private final ResidentSet set;
    private final int records;
    private final double drift;
    private final Store store;

    PlantedDrift(ResidentSet set, int records, double drift, Store store) {
        this.set = set;
        this.records = records;
        this.drift = drift;
        this.store = store;
    }

    int extras() {
        return (int) Math.round(records * drift / 3);
    }

    /** -1: sent as stored; 0 … VARIANTS-1: sent changed; VARIANTS: left out. */
    int fate(long i) {
        double roll = set.roll(i, DRIFT);
        double third = drift / 3;
        if (roll < third) {
            return (int) (set.roll(i, VARIANT) * ResidentSet.VARIANTS);
        }
        return roll < 2 * third ? ResidentSet.VARIANTS : -1;
    }

    ConsistencySimulator.Expected expected() {
        Map<String, List<String>> differing = new TreeMap<>();
        List<String> missingAtCs = new ArrayList<>();
        List<String> missingInStore = new ArrayList<>();
        long matched = 0;
        for (long i = 0; i < records; i++) {
            int fate = fate(i);
            if (fate < 0) {
                matched++;
            } else if (fate == ResidentSet.VARIANTS) {
                missingAtCs.add(set.code(i));
            } else {
                List<String> items = new ArrayList<>(store == Store.HONNIN
                        ? ResidentSet.honninItems(fate) : ResidentSet.fuhyoItems(fate));
                Collections.sort(items);
                differing.put(set.code(i), items);
            }
        }
        for (long i = records; i < records + extras(); i++) {
            missingInStore.add(set.code(i));
        }
        Collections.sort(missingAtCs);
        Collections.sort(missingInStore);
        return new ConsistencySimulator.Expected(matched, differing, missingInStore, missingAtCs);
    }

    void writeRecord(JsonGenerator g, long i, int fate) throws IOException {
        if (store == Store.HONNIN) {
            HonninRecord r = set.honnin(i);
            ResidentSet.write(g, fate >= 0 && fate < ResidentSet.VARIANTS ? ResidentSet.variant(r, fate) : r);
        } else {
            FuhyoRecord r = set.fuhyo(i);
            ResidentSet.write(g, fate >= 0 && fate < ResidentSet.VARIANTS ? ResidentSet.variant(r, fate) : r);
        }
    }
}

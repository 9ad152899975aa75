package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Items;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.record.NameKeys;
import jp.tokyo.juki.record.RecordJson;
import jp.tokyo.juki.record.Violation;

/**
 * Everyone a simulated national server can answer for: its generated population and the latest
 * state of every person it was notified of (a notice replaces what it knew under that 住民票コード).
 * Looks people up by 住民票コード, My Number or the 4 items as SPEC R-SRCH has it: kana on the
 * 清音化 form, kanji name and address by prefix, birth date and sex exactly.
 */
final class NationalRegister {

    /** What one person is matched on, and their record as answered (built when asked, to keep memory small). */
    private record Entry(String code, String myNumber, String kanaKey, String kanjiKey, String birthDate, String sex,
                         String address, Supplier<ObjectNode> record) {
    }

    private final boolean fuhyo;
    private final Map<String, Entry> byCode = new LinkedHashMap<>();
    private final Map<String, String> codeByMyNumber = new HashMap<>();

    private NationalRegister(boolean fuhyo) {
        this.fuhyo = fuhyo;
    }

    static NationalRegister honnin(List<NationalPopulation.Person> people) {
        NationalRegister r = new NationalRegister(false);
        for (NationalPopulation.Person p : people) {
            r.put(new Entry(p.code(), p.myNumber(), NameKeys.kana(p.kana()), NameKeys.kanji(p.kanji()), p.birthDate(),
                    p.sex(), p.address(), () -> NationalPopulation.honninRecord(p)));
        }
        return r;
    }

    static NationalRegister fuhyo(List<NationalPopulation.Person> people) {
        NationalRegister r = new NationalRegister(true);
        for (NationalPopulation.Person p : people) {
            r.put(new Entry(p.code(), null, NameKeys.kana(p.kana()), NameKeys.kanji(p.kanji()), p.birthDate(), p.sex(),
                    p.address(), () -> NationalPopulation.fuhyoRecord(p)));
        }
        return r;
    }

    /** Takes a notice's state as the person's latest (the notice was checked already). */
    synchronized void notified(JsonNode notice) {
        ObjectNode record = fuhyo ? fuhyoRecord(notice) : honninRecord(notice);
        JsonNode name = record.get("name");
        String myNumber = fuhyo ? null : record.get("myNumber").asText();
        put(new Entry(record.get("juminhyoCode").asText(), myNumber, NameKeys.kana(name.get("kana").asText()),
                NameKeys.kanji(name.get("kanji").asText()), record.get("birthDate").asText(), record.get("sex").asText(),
                record.get("address").get("text").asText(), record::deepCopy));
    }

    private void put(Entry e) {
        Entry before = byCode.put(e.code(), e);
        if (before != null && before.myNumber() != null && e.code().equals(codeByMyNumber.get(before.myNumber()))) {
            codeByMyNumber.remove(before.myNumber());
        }
        if (e.myNumber() != null) {
            codeByMyNumber.put(e.myNumber(), e.code());
        }
    }

    /** The records {@code key} finds; the key has passed {@link #checkKey}. */
    synchronized List<ObjectNode> find(JsonNode key) {
        List<ObjectNode> found = new ArrayList<>();
        if (key.has("juminhyoCode")) {
            Entry e = byCode.get(key.get("juminhyoCode").asText());
            if (e != null) {
                found.add(e.record().get());
            }
        } else if (key.has("myNumber")) {
            String code = codeByMyNumber.get(key.get("myNumber").asText());
            if (code != null) {
                found.add(byCode.get(code).record().get());
            }
        } else {
            JsonNode f = key.get("fourInfo");
            String kana = f.has("nameKana") ? NameKeys.kana(f.get("nameKana").asText()) : null;
            String kanji = f.has("nameKanji") ? NameKeys.kanji(f.get("nameKanji").asText()) : null;
            String birth = f.has("birthDate") ? f.get("birthDate").asText() : null;
            String sex = f.has("sex") ? f.get("sex").asText() : null;
            String address = f.has("addressPrefix") ? f.get("addressPrefix").asText() : null;
            for (Entry e : byCode.values()) {
                if ((kana == null || kana.equals(e.kanaKey())) && (kanji == null || e.kanjiKey().startsWith(kanji))
                        && (birth == null || birth.equals(e.birthDate())) && (sex == null || sex.equals(e.sex()))
                        && (address == null || e.address().startsWith(address))) {
                    found.add(e.record().get());
                }
            }
        }
        return found;
    }

    synchronized int size() {
        return byCode.size();
    }

    /**
     * The {@code key} of a query body, checked as a strict national server would (PROTOCOL §2.4):
     * exactly one of juminhyoCode, myNumber (not on the fuhyo line) or fourInfo, with at least a
     * name and one other member.
     */
    JsonNode checkKey(JsonNode body) throws Violation {
        Items.checkObject(body, "body", Set.of("key"), Set.of("key"));
        Set<String> kinds = fuhyo ? Set.of("juminhyoCode", "fourInfo") : Set.of("juminhyoCode", "myNumber", "fourInfo");
        JsonNode key = Items.object(body, "key", "body.key", kinds, Set.of());
        if (key.size() != 1) {
            throw Violation.item("body.key", "exactly one of " + String.join(", ", kinds.stream().sorted().toList()));
        }
        if (key.has("juminhyoCode")) {
            Items.juminhyoCode(key, "juminhyoCode", "body.key.juminhyoCode");
        } else if (key.has("myNumber")) {
            Items.myNumber(key, "myNumber", "body.key.myNumber");
        } else {
            Items.fourInfo(key, "fourInfo", "body.key.fourInfo");
        }
        return key;
    }

    /**
     * A full §3.1 record from a HONNIN_NOTICE, which carries only the items of SPEC R-UPD: what it
     * lacks gets neutral values (no gaiji beyond the references in the text, no change sequence,
     * 大字・字コード 000000, not retained).
     */
    private static ObjectNode honninRecord(JsonNode n) {
        String kanji = n.get("name").get("kanji").asText();
        String text = n.get("address").get("text").asText();
        return RecordJson.honnin(new HonninRecord(n.get("juminhyoCode").asText(),
                new Name(kanji, n.get("name").get("kana").asText(), Items.gaijiReferences(kanji), 0),
                n.get("birthDate").asText(), n.get("sex").asText(),
                new Address(text, Items.gaijiReferences(text), 0, n.get("address").get("municipalityCode").asText(), "000000"),
                n.get("myNumber").asText(), "0",
                Items.gaijiReferences(kanji) + Items.gaijiReferences(text) > 0 ? "1" : "0", null));
    }

    /** A §3.2 record from a FUHYO_NOTICE, which carries all of its members: the notice less origin, reason and date. */
    private static ObjectNode fuhyoRecord(JsonNode n) {
        ObjectNode r = n.deepCopy();
        r.remove(List.of("origin", "reason", "changeDate"));
        return r;
    }
}

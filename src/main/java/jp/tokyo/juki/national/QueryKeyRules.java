package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import jp.tokyo.juki.record.Items;
import jp.tokyo.juki.record.Violation;

/**
 * The rules a query key must meet before it is sent (PROTOCOL §2.4, §3.4): a key the national
 * server would refuse is refused here, without a round trip. Violations name the item
 * ({@code key.fourInfo.sex}) and the rule, never the value.
 */
final class QueryKeyRules {
    private static final Set<String> FOUR_INFO = Set.of("nameKana", "nameKanji", "birthDate", "sex", "addressPrefix");
    private static final int NAME_MAX = 100;
    private static final int ADDRESS_MAX = 200;

    private QueryKeyRules() {
    }

    /** Throws the first rule the key breaks on the line of {@code store}. */
    static void check(QueryKey key, NationalQuery.Store<?> store) throws Violation {
        JsonNode json = key.toJson();
        if (key instanceof QueryKey.JuminhyoCode) {
            Items.juminhyoCode(json, "juminhyoCode", "key.juminhyoCode");
        } else if (key instanceof QueryKey.MyNumber) {
            if (!store.takesMyNumber()) {
                // the fuhyo national server has no My Number, and must never be sent one
                throw Violation.item("key.myNumber", "not a key of " + store.queryType());
            }
            Items.myNumber(json, "myNumber", "key.myNumber");
        } else {
            fourInfo(json.get("fourInfo"));
        }
    }

    private static void fourInfo(JsonNode f) throws Violation {
        String p = "key.fourInfo";
        Items.checkObject(f, p, FOUR_INFO, Set.of());
        if (!f.has("nameKana") && !f.has("nameKanji")) {
            throw Violation.item(p, "needs nameKana or nameKanji");
        }
        if (f.size() < 2) {
            throw Violation.item(p, "needs a name and at least one other member");
        }
        if (f.has("nameKana")) {
            Items.kana(f, "nameKana", p + ".nameKana", NAME_MAX);
        }
        if (f.has("nameKanji")) {
            Items.text(f, "nameKanji", p + ".nameKanji", NAME_MAX, -1);
        }
        if (f.has("birthDate")) {
            Items.date(f, "birthDate", p + ".birthDate", false);
        }
        if (f.has("sex")) {
            Items.oneOf(f, "sex", p + ".sex", Set.of("1", "2"));
        }
        if (f.has("addressPrefix")) {
            Items.text(f, "addressPrefix", p + ".addressPrefix", ADDRESS_MAX, -1);
        }
    }
}

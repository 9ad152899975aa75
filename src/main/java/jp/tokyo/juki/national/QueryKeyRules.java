package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import jp.tokyo.juki.record.Items;
import jp.tokyo.juki.record.Violation;

/**
 * The rules a query key must meet before it is sent (PROTOCOL §2.4, §3.4): a key the national
 * server would refuse is refused here, without a round trip. Violations name the item
 * ({@code key.fourInfo.sex}) and the rule, never the value.
 */
final class QueryKeyRules {

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
            Items.fourInfo(json, "fourInfo", "key.fourInfo");
        }
    }
}

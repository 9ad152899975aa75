package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.Normalizer;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What a national query looks for (PROTOCOL §2.4 {@code key}): a 住民票コード, a My Number
 * (honnin only) or the 4 items (基本4情報). Its {@code toString} names the kind only, so a key
 * that ends up in a log or an exception message carries no personal data.
 */
public sealed interface QueryKey {

    /** The member name on the wire: {@code juminhyoCode}, {@code myNumber} or {@code fourInfo}. */
    String kind();

    /** The {@code key} object as sent. */
    ObjectNode toJson();

    /**
     * The key an operator's request carries, in the form {@link #toJson} writes
     * ({@code {"juminhyoCode": …}}, {@code {"myNumber": …}} or {@code {"fourInfo": {…}}}), or null
     * unless it is exactly one of these with text values. Only the shape is read here; the item
     * rules are {@link QueryKeyRules}'.
     */
    static QueryKey fromJson(JsonNode key) {
        if (key == null || !key.isObject() || key.size() != 1) {
            return null;
        }
        if (key.has("juminhyoCode")) {
            String code = text(key.get("juminhyoCode"));
            return code == null ? null : juminhyoCode(code);
        }
        if (key.has("myNumber")) {
            String number = text(key.get("myNumber"));
            return number == null ? null : myNumber(number);
        }
        JsonNode four = key.get("fourInfo");
        if (four == null || !four.isObject()) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = four.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            if (!FOUR_ITEMS.contains(member.getKey()) || text(member.getValue()) == null) {
                return null;
            }
        }
        return fourInfo(text(four.get("nameKana")), text(four.get("nameKanji")), text(four.get("birthDate")),
                text(four.get("sex")), text(four.get("addressPrefix")));
    }

    /** The members of {@code fourInfo}. */
    Set<String> FOUR_ITEMS = Set.of("nameKana", "nameKanji", "birthDate", "sex", "addressPrefix");

    private static String text(JsonNode value) {
        return value == null || !value.isTextual() ? null : value.asText();
    }

    static QueryKey juminhyoCode(String code) {
        return new JuminhyoCode(code);
    }

    static QueryKey myNumber(String number) {
        return new MyNumber(number);
    }

    /** Any member may be {@code null} (not asked); at least a name and one other member are required. */
    static QueryKey fourInfo(String nameKana, String nameKanji, String birthDate, String sex, String addressPrefix) {
        return new FourInfo(nameKana, nameKanji, birthDate, sex, addressPrefix);
    }

    /** 住民票コード. */
    record JuminhyoCode(String code) implements QueryKey {
        @Override
        public String kind() {
            return "juminhyoCode";
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("juminhyoCode", code);
        }

        @Override
        public String toString() {
            return "QueryKey[juminhyoCode]";
        }
    }

    /** 個人番号: only the honnin national server knows it. */
    record MyNumber(String number) implements QueryKey {
        @Override
        public String kind() {
            return "myNumber";
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("myNumber", number);
        }

        @Override
        public String toString() {
            return "QueryKey[myNumber]";
        }
    }

    /**
     * 基本4情報: kana matched on its 清音化 form and kanji by prefix by the server (SPEC R-SRCH);
     * half-width kana are sent full-width, since the wire takes full-width katakana only.
     */
    record FourInfo(String nameKana, String nameKanji, String birthDate, String sex, String addressPrefix)
            implements QueryKey {
        public FourInfo {
            nameKana = nameKana == null ? null : Normalizer.normalize(nameKana, Normalizer.Form.NFKC);
        }

        @Override
        public String kind() {
            return "fourInfo";
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode key = JsonNodeFactory.instance.objectNode();
            ObjectNode four = key.putObject("fourInfo");
            putIfSet(four, "nameKana", nameKana);
            putIfSet(four, "nameKanji", nameKanji);
            putIfSet(four, "birthDate", birthDate);
            putIfSet(four, "sex", sex);
            putIfSet(four, "addressPrefix", addressPrefix);
            return key;
        }

        private static void putIfSet(ObjectNode node, String member, String value) {
            if (value != null) {
                node.put(member, value);
            }
        }

        @Override
        public String toString() {
            return "QueryKey[fourInfo]";
        }
    }
}

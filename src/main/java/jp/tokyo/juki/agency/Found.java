package jp.tokyo.juki.agency;

import java.util.Map;

/**
 * A person a request row found: where (Tokyo's honnin or fuhyo store, or a national server) and
 * the items an answer may carry, keyed by result CSV column (PROTOCOL §4). {@code my_number} is
 * among them only when the source holds it (the honnin store, the national server) or R-LINK
 * granted it. Its {@code toString} names no value.
 *
 * @param abroad a fuhyo person whose 状態区分 says 国外転出者 (the only case R-LINK serves)
 */
public record Found(Source source, String juminhyoCode, Map<String, String> items, boolean abroad) {

    /** Where the person was found. */
    public enum Source { HONNIN, FUHYO, NATIONAL, NATIONAL_FUHYO }

    @Override
    public String toString() {
        return "Found[" + source + ", " + items.keySet() + (abroad ? ", abroad" : "") + "]";
    }
}

package jp.tokyo.juki.store;

/**
 * The SQL side of the one name-matching rule ({@code record.NameKeys}) for both stores' person
 * tables: the kanji key as the expression the stores index ({@code V16__search.sql}), and the byte
 * range that holds every text starting with a prefix. The kana key needs none: it is the stored
 * column {@code kana_normalized}, written with the row.
 */
public final class SearchKeys {
    /** The last code point: [prefix, prefix + MAX) holds every text that starts with prefix, in byte order. */
    public static final String MAX = new String(Character.toChars(Character.MAX_CODE_POINT));

    private SearchKeys() {
    }

    /**
     * {@code NameKeys.kanji(name_kanji)} of the row {@code alias}, in byte order: exactly the
     * expression of the stores' kanji key indexes, so a range on it is an index range.
     */
    public static String kanji(String alias) {
        return "(replace(replace(" + alias + ".name_kanji, ' ', ''), U&'\\3000', '') COLLATE \"C\")";
    }

    /** The address of the row {@code alias} in byte order, as the stores' address indexes hold it. */
    public static String address(String alias) {
        return "(" + alias + ".address_text COLLATE \"C\")";
    }

    /** {@code expression} starts with the text of the next two parameters: the prefix, then {@link #MAX}. */
    public static String startsWith(String expression) {
        return expression + " >= CAST(? AS text) AND " + expression + " < CAST(? AS text) || CAST(? AS text)";
    }
}

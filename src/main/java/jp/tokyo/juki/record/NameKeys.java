package jp.tokyo.juki.record;

/**
 * The one matching rule for names (SPEC R-SRCH), shared by the stores' search, the agency
 * cross-check (突合) and the national simulator: a kana name matches on its 清音化 form
 * ({@link KanaNormalizer}); a kanji name matches with every space removed (half- and
 * full-width: the space between surname and given name is not part of the name), by prefix in a
 * search and whole in a cross-check. The stores keep both keys in indexed columns, written with
 * the row, so a search never normalises at query time.
 */
public final class NameKeys {
    private NameKeys() {
    }

    /** The kana search key: the 清音化 form. */
    public static String kana(String kana) {
        return KanaNormalizer.normalize(kana);
    }

    /** The kanji search key: the name without any space (U+0020, U+3000). */
    public static String kanji(String kanji) {
        StringBuilder b = new StringBuilder(kanji.length());
        for (int i = 0; i < kanji.length(); i++) {
            char c = kanji.charAt(i);
            if (c != ' ' && c != '\u3000') {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Whether a stored kanji name starts with the asked prefix, spaces ignored on both sides. */
    public static boolean kanjiStartsWith(String stored, String prefix) {
        return kanji(stored).startsWith(kanji(prefix));
    }

    /** Whether two kanji names are the same name, spaces ignored (the cross-check). */
    public static boolean kanjiSame(String stored, String asked) {
        return kanji(stored).equals(kanji(asked));
    }

    /** Whether two kana names are the same on their 清音化 forms (the search and the cross-check). */
    public static boolean kanaSame(String stored, String asked) {
        return kana(stored).equals(kana(asked));
    }
}

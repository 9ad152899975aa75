package jp.tokyo.juki.disclosure;

import java.text.Normalizer;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.record.NameKeys;

/**
 * The 4 items 突合 of a disclosure (R-DISC): the requester's items against a version of a person.
 * Names follow the one rule of {@link NameKeys} (kana the same on 清音化, kanji the same with every
 * space removed, whole names: a cross-check, not a search); the birth date and the sex are equal as
 * written; the address is the whole address as recorded, compared after NFKC (full-width digits equal
 * half-width) with every space removed — a prefix (a ward, a town) would not tell two residents of it
 * apart, and the requester states where they live, not where to search.
 */
public final class FourItems {
    private FourItems() {
    }

    /** Whether the stored items (column name → value) are the requester's 4 items. */
    public static boolean matches(Requester r, Map<String, String> stored) {
        return NameKeys.kanaSame(stored.get("name_kana"), r.nameKana())
                && NameKeys.kanjiSame(stored.get("name_kanji"), r.nameKanji())
                && r.birthDate().equals(stored.get("birth_date"))
                && r.sex().equals(stored.get("sex"))
                && address(stored.get("address_text")).equals(address(r.address()));
    }

    /** An address as compared: NFKC, without any white space. */
    public static String address(String a) {
        String n = Normalizer.normalize(a == null ? "" : a, Normalizer.Form.NFKC);
        StringBuilder b = new StringBuilder(n.length());
        n.codePoints().filter(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp)).forEach(b::appendCodePoint);
        return b.toString();
    }

    /**
     * The result of a check. With a stated code: {@code stated} is that code's record (null when the
     * store has none) — the same items MATCHED, other items MISMATCH, none NOT_FOUND. Without: the
     * {@code candidates} found by the kana key and birth date — one matching MATCHED, none NOT_FOUND,
     * more MULTIPLE.
     */
    public static CheckResult result(Requester r, Map<String, String> stated, List<Map<String, String>> candidates) {
        if (r.statedCode() != null) {
            if (stated == null) {
                return CheckResult.NOT_FOUND;
            }
            return matches(r, stated) ? CheckResult.MATCHED : CheckResult.MISMATCH;
        }
        long n = candidates.stream().filter(c -> matches(r, c)).count();
        return n == 0 ? CheckResult.NOT_FOUND : n == 1 ? CheckResult.MATCHED : CheckResult.MULTIPLE;
    }
}

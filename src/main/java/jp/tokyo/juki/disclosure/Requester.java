package jp.tokyo.juki.disclosure;

import java.util.Locale;
import java.util.regex.Pattern;
import jp.tokyo.juki.forms.DisclosureForm;
import jp.tokyo.juki.record.CheckDigits;

/**
 * Who asks, as they state it at the counter: the 4 items (kana and kanji name, birth date, sex,
 * address), optionally the 住民票コード they state, which store they ask about and how their
 * identity was checked. Validated on the way in ({@link #of}); a refusal names the field, never
 * its value.
 *
 * @param statedCode the 住民票コード the requester stated, or {@code null}
 */
public record Requester(DisclosureForm.Store store, String nameKana, String nameKanji, String birthDate, String sex,
                        String address, String statedCode, IdentityDocument identity) {
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final Pattern SEX = Pattern.compile("[0-9]");

    /** The request's fields as given (texts; null when absent), checked. */
    public static Requester of(String store, String nameKana, String nameKanji, String birthDate, String sex, String address,
                               String statedCode, String identity) throws DisclosureRefused {
        DisclosureForm.Store s = choice(DisclosureForm.Store.class, store, "store", "HONNIN or FUHYO");
        IdentityDocument id = choice(IdentityDocument.class, identity, "identityDocument",
                "one of MY_NUMBER_CARD, DRIVERS_LICENSE, PASSPORT, RESIDENCE_CARD, TWO_DOCUMENTS, PROXY");
        String kana = line(nameKana, "nameKana", 100);
        String kanji = line(nameKanji, "nameKanji", 100);
        if (birthDate == null || !DATE.matcher(birthDate.strip()).matches()) {
            throw invalid("birthDate must be written YYYY-MM-DD, as in the record");
        }
        if (sex == null || !SEX.matcher(sex.strip()).matches()) {
            throw invalid("sex must be the record's one-digit code (1: male, 2: female)");
        }
        String addr = line(address, "address", 200);
        String code = statedCode == null || statedCode.isBlank() ? null : statedCode.strip();
        if (code != null && !CheckDigits.isValidJuminhyoCode(code)) {
            throw invalid("juminhyoCode must be 11 digits with a valid check digit, or absent");
        }
        return new Requester(s, kana, kanji, birthDate.strip(), sex.strip(), addr, code, id);
    }

    private static String line(String v, String field, int max) throws DisclosureRefused {
        if (v == null || v.isBlank() || v.strip().length() > max || v.chars().anyMatch(Character::isISOControl)) {
            throw invalid(field + " must be one line of 1-" + max + " characters");
        }
        return v.strip();
    }

    static <E extends Enum<E>> E choice(Class<E> type, String v, String field, String allowed) throws DisclosureRefused {
        if (v != null) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(v.strip().toUpperCase(Locale.ROOT))) {
                    return e;
                }
            }
        }
        throw invalid(field + " must be " + allowed);
    }

    static DisclosureRefused invalid(String why) {
        return new DisclosureRefused(DisclosureRefused.INVALID, why);
    }
}

package jp.tokyo.juki.search;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.NameKeys;

/**
 * What a search asks, checked (R-SRCH): exactly one kind of key — a 住民票コード, a My Number (the
 * honnin store only), or the 4 items, of which the kana name, the kanji name (prefix), the birth
 * date (exact, or a range with {@code birthTo}) or the address (prefix) must be one; sex only
 * narrows — and the stores to search (default both), with the stated purpose (利用目的). The key
 * values stay here: the audit gets {@link #kind()} only.
 */
public record SearchCriteria(String purpose, Set<Store> stores, String juminhyoCode, String myNumber, String nameKana,
                             String nameKanji, String birthDate, String birthTo, String sex, String addressPrefix) {
    /** The longest stated purpose. */
    public static final int PURPOSE_MAX = 200;
    private static final int NAME_MAX = 100;
    private static final int ADDRESS_MAX = 200;
    /** a date as the stores keep it (a family register's date may have 00 for an unknown month or day) */
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    /** A store a search reads. */
    public enum Store {
        HONNIN, FUHYO;

        /** {@code honnin} or {@code fuhyo}, as the API writes it. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return "SearchCriteria[" + kind() + "]";
    }

    /**
     * The criteria of a request, checked; each field as sent (null: not given; blank counts as not
     * given), {@code stores} null or empty: both.
     *
     * @throws IllegalArgumentException naming the field at fault (never its value)
     */
    public static SearchCriteria of(String purpose, List<String> stores, String juminhyoCode, String myNumber, String nameKana,
                                    String nameKanji, String birthDate, String birthTo, String sex, String addressPrefix) {
        purpose = given(purpose);
        if (purpose == null || purpose.length() > PURPOSE_MAX || purpose.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("reason: the purpose of the search (利用目的) is required, one line of at most "
                    + PURPOSE_MAX + " characters");
        }
        Set<Store> in = EnumSet.noneOf(Store.class);
        for (String s : stores == null ? List.<String>of() : stores) {
            switch (s == null ? "" : s) {
                case "honnin" -> in.add(Store.HONNIN);
                case "fuhyo" -> in.add(Store.FUHYO);
                default -> throw new IllegalArgumentException("stores: honnin, fuhyo or both");
            }
        }
        if (in.isEmpty()) {
            in = EnumSet.allOf(Store.class);
        }
        juminhyoCode = given(juminhyoCode);
        myNumber = given(myNumber);
        nameKana = given(nameKana);
        nameKanji = given(nameKanji);
        birthDate = given(birthDate);
        birthTo = given(birthTo);
        sex = given(sex);
        addressPrefix = given(addressPrefix);
        boolean four = nameKana != null || nameKanji != null || birthDate != null || birthTo != null || sex != null
                || addressPrefix != null;
        int kinds = (juminhyoCode != null ? 1 : 0) + (myNumber != null ? 1 : 0) + (four ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException("key: exactly one of juminhyoCode, myNumber or the 4 items (nameKana, "
                    + "nameKanji, birthDate with birthTo, sex, addressPrefix)");
        }
        if (juminhyoCode != null && !CheckDigits.isValidJuminhyoCode(juminhyoCode)) {
            throw new IllegalArgumentException("juminhyoCode: 11 digits with a valid check digit");
        }
        if (myNumber != null) {
            if (!CheckDigits.isValidMyNumber(myNumber)) {
                throw new IllegalArgumentException("myNumber: 12 digits with a valid check digit");
            }
            if (!in.contains(Store.HONNIN)) {
                throw new IllegalArgumentException("myNumber: only the honnin store holds My Numbers");
            }
            in = EnumSet.of(Store.HONNIN);
        }
        if (four) {
            if (nameKana == null && nameKanji == null && birthDate == null && addressPrefix == null) {
                throw new IllegalArgumentException("4 items: give the kana name, the kanji name, the birth date or the "
                        + "address; sex only narrows a search");
            }
            text("nameKana", nameKana, NAME_MAX);
            text("nameKanji", nameKanji, NAME_MAX);
            text("addressPrefix", addressPrefix, ADDRESS_MAX);
            if (nameKana != null && NameKeys.kana(nameKana).isEmpty()) {
                throw new IllegalArgumentException("nameKana: no kana left to match");
            }
            if (nameKanji != null && NameKeys.kanji(nameKanji).isEmpty()) {
                throw new IllegalArgumentException("nameKanji: no name left to match once spaces are removed");
            }
            if (birthTo != null && birthDate == null) {
                throw new IllegalArgumentException("birthTo: a range needs birthDate (its first day) too");
            }
            if (birthDate != null && !DATE.matcher(birthDate).matches() || birthTo != null && !DATE.matcher(birthTo).matches()) {
                throw new IllegalArgumentException("birthDate/birthTo: YYYY-MM-DD");
            }
            if (birthTo != null && birthTo.compareTo(birthDate) < 0) {
                throw new IllegalArgumentException("birthTo: the range ends before it begins");
            }
            if (sex != null && !sex.equals("1") && !sex.equals("2")) {
                throw new IllegalArgumentException("sex: 1 (male) or 2 (female)");
            }
        }
        return new SearchCriteria(purpose, Set.copyOf(in), juminhyoCode, myNumber, nameKana, nameKanji, birthDate, birthTo,
                sex, addressPrefix);
    }

    /**
     * The kind of key, as audited and as the benchmark groups searches: {@code juminhyoCode},
     * {@code myNumber}, or the 4 items given joined by {@code +} ({@code nameKana+birthDate},
     * {@code birthRange+sex}, …). Names only, never a value.
     */
    public String kind() {
        if (juminhyoCode != null) {
            return "juminhyoCode";
        }
        if (myNumber != null) {
            return "myNumber";
        }
        List<String> items = new ArrayList<>();
        if (nameKana != null) {
            items.add("nameKana");
        }
        if (nameKanji != null) {
            items.add("nameKanji");
        }
        if (birthDate != null) {
            items.add(birthTo == null ? "birthDate" : "birthRange");
        }
        if (sex != null) {
            items.add("sex");
        }
        if (addressPrefix != null) {
            items.add("addressPrefix");
        }
        return String.join("+", items);
    }

    private static String given(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static void text(String field, String value, int max) {
        if (value != null && (value.length() > max || value.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException(field + ": one line of at most " + max + " characters");
        }
    }
}

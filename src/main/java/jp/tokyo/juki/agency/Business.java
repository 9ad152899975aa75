package jp.tokyo.juki.agency;

import java.util.Set;

/**
 * One business (事務) an agency may ask for, with the law or ordinance that allows it, the keys
 * it may ask by, the items its answers may carry, and whether 番号法 lets it receive the My
 * Number.
 *
 * @param legalBasis e.g. 住基法別表第5第5号, 都条例第3条 — shown in every provision record
 * @param items      result CSV columns (PROTOCOL §4) the answer may fill
 * @param myNumber   番号法 Art. 9 lets this business use the My Number ({@code my_number} is then
 *                   among the items, and only then)
 */
public record Business(String code, String name, String legalBasis, Set<KeyType> keyTypes, Set<String> items,
                       boolean myNumber) {

    /** The {@code key_type} of a request row (PROTOCOL §4). */
    public enum KeyType { JUMINHYO_CODE, MY_NUMBER, FOUR_INFO }

    /** The result CSV columns a business may receive (the others are always there). */
    public static final Set<String> ITEMS = Set.of("juminhyo_code", "name_kanji", "name_kana", "birth_date", "sex",
            "address", "my_number", "reason", "change_date");
}

package jp.tokyo.juki.agency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jp.tokyo.juki.record.Items;
import jp.tokyo.juki.record.NameKeys;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Json;

/**
 * Whether one request row may be answered (SPEC R-PROV, R-SEC-AUTHZ): the business must be one
 * the agency's configuration allows, the key type one that business may ask by, a My Number
 * only where 番号法 allows it — each a {@code REFUSED} row — and the key well formed, else
 * {@code INVALID}. The reasons name columns and rules, never values; they go into the result
 * file and the provision record. A row asked by 住民票コード or My Number that also carries the
 * name or the birth date is answered only when they match the person found ({@link #mismatch},
 * 突合), else {@code MISMATCH}.
 */
public final class RequestRules {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /** What may be done with a row. */
    public sealed interface Decision {
        /** The row may be looked up, for this business. */
        record Allowed(Business business, Business.KeyType keyType) implements Decision {
        }

        /** The agency may not ask this (status REFUSED). */
        record Refused(String reason) implements Decision {
        }

        /** The row is not a well-formed request (status INVALID). */
        record Invalid(String reason) implements Decision {
        }
    }

    private RequestRules() {
    }

    /** Whether an agency's request id is well formed (only then is it kept in a provision record). */
    public static boolean isRequestId(String id) {
        return id != null && REQUEST_ID.matcher(id).matches();
    }

    public static Decision check(Agency agency, RequestCsv.Row row) {
        if (row.problem() != null) {
            return new Decision.Invalid(row.problem());
        }
        if (!isRequestId(row.requestId())) {
            return new Decision.Invalid("request_id: 1-64 of A-Z a-z 0-9 . _ : -");
        }
        Business business = row.business() == null ? null : agency.businesses().get(row.business());
        if (business == null) {
            return new Decision.Refused("business: not a business of this agency (config/agencies.yaml)");
        }
        Business.KeyType keyType;
        try {
            keyType = Business.KeyType.valueOf(row.keyType() == null ? "" : row.keyType());
        } catch (IllegalArgumentException e) {
            return new Decision.Invalid("key_type: must be JUMINHYO_CODE, MY_NUMBER or FOUR_INFO");
        }
        if (keyType == Business.KeyType.MY_NUMBER && !business.myNumber()) {
            return new Decision.Refused("key_type: 番号法 does not allow this business the My Number");
        }
        if (!business.keyTypes().contains(keyType)) {
            return new Decision.Refused("key_type: " + keyType + " is not allowed for this business");
        }
        try {
            ObjectNode key = Json.MAPPER.createObjectNode();
            switch (keyType) {
                case JUMINHYO_CODE -> Items.juminhyoCode(key.put("juminhyo_code", nonNull(row.juminhyoCode())),
                        "juminhyo_code", "juminhyo_code");
                case MY_NUMBER -> Items.myNumber(key.put("my_number", nonNull(row.myNumber())), "my_number", "my_number");
                case FOUR_INFO -> {
                    ObjectNode f = key.putObject("fourInfo");
                    putIfPresent(f, "nameKana", row.nameKana());
                    putIfPresent(f, "nameKanji", row.nameKanji());
                    putIfPresent(f, "birthDate", row.birthDate());
                    putIfPresent(f, "sex", row.sex());
                    putIfPresent(f, "addressPrefix", row.address());
                    Items.fourInfo(key, "fourInfo", "four_info");
                }
                default -> throw new IllegalStateException();
            }
        } catch (Violation v) {
            return new Decision.Invalid(csvColumns(v.detail()));
        }
        return new Decision.Allowed(business, keyType);
    }

    /**
     * The cross-check (突合) of a row asked by 住民票コード or My Number against the record found:
     * when the row carries a name (kana or kanji) or a birth date, each item it carries must match
     * under {@link NameKeys} — kana on its 清音化 form, kanji as the same name with spaces ignored,
     * birth date and sex exactly — else the answer is the reason naming the columns that differ
     * ({@code birth_date: does not match the record}), never a value. Null: nothing to check, or
     * every item matches. A row that carries only the sex is not cross-checked (it identifies no one).
     *
     * @param record the person found, by result column ({@link Found#items})
     */
    public static String mismatch(RequestCsv.Row row, Business.KeyType keyType, Map<String, String> record) {
        if (keyType != Business.KeyType.JUMINHYO_CODE && keyType != Business.KeyType.MY_NUMBER) {
            return null;
        }
        if (blank(row.nameKana()) && blank(row.nameKanji()) && blank(row.birthDate())) {
            return null;
        }
        List<String> differ = new ArrayList<>();
        if (!blank(row.nameKana()) && !NameKeys.kanaSame(nonNull(record.get("name_kana")), row.nameKana())) {
            differ.add("name_kana");
        }
        if (!blank(row.nameKanji()) && !NameKeys.kanjiSame(nonNull(record.get("name_kanji")), row.nameKanji())) {
            differ.add("name_kanji");
        }
        if (!blank(row.birthDate()) && !row.birthDate().strip().equals(record.get("birth_date"))) {
            differ.add("birth_date");
        }
        if (!blank(row.sex()) && !row.sex().strip().equals(record.get("sex"))) {
            differ.add("sex");
        }
        return differ.isEmpty() ? null
                : String.join(", ", differ) + (differ.size() == 1 ? ": does not" : ": do not") + " match the record";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The 4-item rule speaks of the query key's members; a request file has columns. */
    private static String csvColumns(String detail) {
        return detail.replace("four_info.nameKana", "name_kana").replace("four_info.nameKanji", "name_kanji")
                .replace("four_info.birthDate", "birth_date").replace("four_info.sex", "sex")
                .replace("four_info.addressPrefix", "address")
                .replace("four_info: needs nameKana or nameKanji", "four_info: needs name_kana or name_kanji")
                .replace("at least one of birthDate, sex, addressPrefix", "at least one of birth_date, sex, address");
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static void putIfPresent(ObjectNode n, String member, String value) {
        if (value != null) {
            n.put(member, value);
        }
    }
}

package jp.tokyo.juki.disclosure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jp.tokyo.juki.forms.DisclosureForm;
import jp.tokyo.juki.record.NameKeys;

/**
 * The person's rows in one store, read as {@code juki_disclosure}: the current version, the
 * superseded ones ({@code *_history}), the candidates of a 4 items check and the former
 * 住民票コード. Items are the store's columns by name (the form prints their labels), in the
 * store's order. What the gateway keeps to run the store — the search keys it derives
 * ({@code kana_normalized}), the update's order number, the CS operator and terminal and the CS
 * request a version came from — is not 本人確認情報 and is left out.
 */
final class StoreRows {
    /** 本人確認情報: the items of honnin.resident (V1), in its order. */
    static final List<String> HONNIN_ITEMS = List.of("juminhyo_code", "name_kanji", "name_gaiji_count", "name_kana",
            "birth_date", "sex", "address_text", "address_gaiji_count", "my_number", "reason", "change_date",
            "retention_flag", "municipality_code", "aza_code", "updated_at", "notified_date", "gaiji_flag", "deleted",
            "name_gaiji_change_seq", "address_gaiji_change_seq",
            "former_surname_kanji", "former_surname_gaiji_count", "former_surname_kana", "former_surname_gaiji_change_seq");
    /** 附票本人確認情報: the items of fuhyo.person (V4), in its order. */
    static final List<String> FUHYO_ITEMS = List.of("juminhyo_code", "name_kanji", "name_gaiji_count", "name_kana",
            "birth_date", "sex", "address_municipality_code", "address_text", "address_gaiji_count", "last_address_text",
            "last_address_gaiji_count", "change_date", "former_juminhyo_code", "managing_municipality_code", "status",
            "gaiji_flag", "gaiji_pattern", "notice_kind", "reason", "updated_at", "notified_date", "deleted");
    /** What the gateway stamps on every version: not a change of the record when it differs. */
    static final Set<String> STAMP = Set.of("reason", "change_date", "updated_at", "notified_date");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.of("Asia/Tokyo"));
    private static final String CODE_CHANGE = "JUMINHYO_CODE_CHANGE";
    /** A chain of code changes longer than this is not followed further (a loop in bad data ends). */
    private static final int MAX_FORMER = 16;

    /** One version of a person: its items and the stamp the history needs. */
    record Version(String code, Map<String, String> items, long updateSeq, String reason, LocalDate changeDate,
                   Instant updatedAt, boolean deleted) {
        /** A former code's last version, ended by a 住民票コード change (deleted, stamped with the change). */
        boolean endedByCodeChange() {
            return deleted && CODE_CHANGE.equals(reason);
        }
    }

    private final DisclosureForm.Store store;
    private final String table;
    private final List<String> items;

    StoreRows(DisclosureForm.Store store) {
        this.store = store;
        this.table = store == DisclosureForm.Store.HONNIN ? "honnin.resident" : "fuhyo.person";
        this.items = store == DisclosureForm.Store.HONNIN ? HONNIN_ITEMS : FUHYO_ITEMS;
    }

    List<String> items() {
        return items;
    }

    /** The current version of {@code code}, or null. */
    Version current(Connection c, String code) throws SQLException {
        List<Version> v = select(c, "SELECT * FROM " + table + " WHERE juminhyo_code = ?", code);
        return v.isEmpty() ? null : v.get(0);
    }

    /** Every version of {@code code}, oldest first, the current one last. */
    List<Version> versions(Connection c, String code) throws SQLException {
        List<Version> all = select(c, "SELECT * FROM " + table + "_history WHERE juminhyo_code = ? ORDER BY update_seq", code);
        Version now = current(c, code);
        if (now != null) {
            all.add(now);
        }
        return all;
    }

    /**
     * The persons a requester's kana name and birth date find (the kana key is indexed), former codes
     * ended by a 住民票コード change left out: they are the same person under their new code.
     */
    List<Version> candidates(Connection c, String kana, String birthDate) throws SQLException {
        List<Version> found = select(c, "SELECT * FROM " + table + " WHERE kana_normalized = ? AND birth_date = ?",
                NameKeys.kana(kana), birthDate);
        found.removeIf(Version::endedByCodeChange);
        return found;
    }

    /**
     * The former 住民票コード of {@code code}, the earliest last: honnin finds the code a change ended
     * by the change's stamp (same update_seq, V18's partial indexes), fuhyo records it in
     * {@code former_juminhyo_code}. Followed back through earlier changes.
     */
    List<String> formerCodes(Connection c, String code) throws SQLException {
        Set<String> found = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(code));
        while (!todo.isEmpty() && found.size() < MAX_FORMER) {
            String next = todo.remove(0);
            for (String former : directFormer(c, next)) {
                if (!former.equals(code) && found.add(former)) {
                    todo.add(former);
                }
            }
        }
        return List.copyOf(found);
    }

    private List<String> directFormer(Connection c, String code) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Version v : versions(c, code)) {
            if (store == DisclosureForm.Store.FUHYO) {
                String former = v.items().get("former_juminhyo_code");
                if (former != null && !former.isBlank() && !out.contains(former.strip())) {
                    out.add(former.strip());
                }
            } else if (CODE_CHANGE.equals(v.reason()) && !v.deleted()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT juminhyo_code FROM honnin.resident WHERE update_seq = ? "
                        + "AND reason = 'JUMINHYO_CODE_CHANGE' AND deleted AND juminhyo_code <> ? UNION "
                        + "SELECT juminhyo_code FROM honnin.resident_history WHERE update_seq = ? "
                        + "AND reason = 'JUMINHYO_CODE_CHANGE' AND deleted AND juminhyo_code <> ?")) {
                    ps.setLong(1, v.updateSeq());
                    ps.setString(2, code);
                    ps.setLong(3, v.updateSeq());
                    ps.setString(4, code);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (!out.contains(rs.getString(1))) {
                                out.add(rs.getString(1));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private List<Version> select(Connection c, String sql, Object... args) throws SQLException {
        List<Version> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> m = new LinkedHashMap<>();
                    for (String item : items) {
                        m.put(item, text(rs.getObject(item)));
                    }
                    out.add(new Version(rs.getString("juminhyo_code"), m, rs.getLong("update_seq"), rs.getString("reason"),
                            rs.getDate("change_date").toLocalDate(), rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                            rs.getBoolean("deleted")));
                }
            }
        }
        return out;
    }

    /** A column's value as the form prints it: times in Tokyo to the second, flags as true/false, none as empty. */
    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof OffsetDateTime t) {
            return TIME.format(t.toInstant());
        }
        if (v instanceof Timestamp t) {
            return TIME.format(t.toInstant());
        }
        return v.toString().strip();
    }
}

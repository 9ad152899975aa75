package jp.tokyo.juki.agency;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import jp.tokyo.juki.record.NameKeys;
import jp.tokyo.juki.store.SearchKeys;

/**
 * Finds current (not deleted) persons of one Tokyo store for a batch of request rows, on that
 * store's own database role: by 住民票コード, by My Number (honnin only) or by the 4 items —
 * kana on its 清音化 form, kanji name and address by prefix, birth date and sex exactly (SPEC
 * R-SRCH, the one rule of {@link NameKeys}: the kanji prefix without spaces, on the stores' kanji key
 * index). Each key gets at most {@code limit} matches — the agency's two mean the key is not specific
 * enough ({@code MULTIPLE}). One statement per {@value #BATCH} keys, each answered from an index.
 */
public final class StoreSearch {
    static final int BATCH = 1000;
    /** The agency's limit: a second match makes the answer {@code MULTIPLE}. */
    public static final int MULTIPLE = 2;

    /** One store's table and the columns that answer the result CSV's items. */
    public record Table(Found.Source source, String name, String myNumberColumn, String abroadTest) {
        public static final Table HONNIN = new Table(Found.Source.HONNIN, "honnin.resident", "my_number", "false");
        public static final Table FUHYO = new Table(Found.Source.FUHYO, "fuhyo.person", null, "status = '1'");

        String columns() {
            return "juminhyo_code, name_kanji, name_kana, birth_date, sex, address_text, reason, change_date, "
                    + (myNumberColumn == null ? "null" : myNumberColumn) + " AS my_number, " + abroadTest + " AS abroad";
        }
    }

    /** The 4 items of a row as asked; any may be {@code null} (Items.fourInfo has checked the rest). */
    public record FourInfo(String nameKana, String nameKanji, String birthDate, String sex, String addressPrefix) {
        @Override
        public String toString() {
            return "FourInfo[…]";
        }
    }

    private final DataSource dataSource;
    private final Table table;
    private final int limit;

    /** A search with at most {@link #MULTIPLE} matches per key (the agency's). */
    public StoreSearch(DataSource dataSource, Table table) {
        this(dataSource, table, MULTIPLE);
    }

    /** @param limit at most this many matches per 4-item key (at least 1) */
    public StoreSearch(DataSource dataSource, Table table, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        this.dataSource = dataSource;
        this.table = table;
        this.limit = limit;
    }

    public Table table() {
        return table;
    }

    /** The persons with these 住民票コード; the answer's list i holds key i's matches. */
    public List<List<Found>> byJuminhyoCode(List<String> codes) throws SQLException {
        return byColumn("juminhyo_code", codes);
    }

    public List<List<Found>> byMyNumber(List<String> numbers) throws SQLException {
        if (table.myNumberColumn() == null) {
            List<List<Found>> none = new ArrayList<>();
            numbers.forEach(n -> none.add(List.of()));
            return none;
        }
        return byColumn(table.myNumberColumn(), numbers);
    }

    private List<List<Found>> byColumn(String column, List<String> keys) throws SQLException {
        List<List<Found>> out = new ArrayList<>(keys.size());
        // the keys as the column's own type (char(n)): compared as text, the index could not be used
        String sql = "SELECT " + table.columns() + " FROM " + table.name() + " WHERE NOT deleted AND " + column
                + " = ANY (CAST(? AS bpchar[]))";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int from = 0; from < keys.size(); from += BATCH) {
                List<String> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
                Map<String, List<Found>> byKey = new HashMap<>();
                Array array = c.createArrayOf("text", batch.toArray());
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = column.equals("juminhyo_code") ? rs.getString(1) : rs.getString(9);
                        byKey.computeIfAbsent(key, k -> new ArrayList<>(1)).add(found(rs));
                    }
                }
                array.free();
                for (String key : batch) {
                    out.add(byKey.getOrDefault(key, List.of()));
                }
            }
        }
        return out;
    }

    /**
     * The persons the 4 items describe, each key on the index that fits it: kana and birth date on
     * the (清音化 kana, birth date) index, kana alone on its leading column, a kanji name only on
     * the kanji key index (the prefix without spaces); at most {@code limit} matches each.
     */
    public List<List<Found>> byFourInfo(List<FourInfo> keys) throws SQLException {
        List<List<Found>> out = new ArrayList<>(keys.size());
        keys.forEach(k -> out.add(List.of()));
        List<Integer> byKanaAndBirth = new ArrayList<>();
        List<Integer> byKana = new ArrayList<>();
        List<Integer> byKanji = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            FourInfo k = keys.get(i);
            (k.nameKana() == null ? byKanji : k.birthDate() == null ? byKana : byKanaAndBirth).add(i);
        }
        String key = SearchKeys.kanji("r");
        String inRange = key + " >= q.kanji AND " + key + " < q.kanji || t.top";
        String kanji = "(q.kanji IS NULL OR (" + inRange + "))";
        String rest = " AND (q.sex IS NULL OR r.sex = q.sex) AND (q.addr IS NULL OR starts_with(r.address_text, q.addr))";
        try (Connection c = dataSource.getConnection()) {
            run(c, lateral("r.kana_normalized = q.kana AND r.birth_date = q.birth AND " + kanji + rest), keys, byKanaAndBirth, out);
            run(c, lateral("r.kana_normalized = q.kana AND " + kanji + rest), keys, byKana, out);
            run(c, lateral(inRange + " AND (q.birth IS NULL OR r.birth_date = q.birth)" + rest), keys, byKanji, out);
        }
        return out;
    }

    private String lateral(String condition) {
        return "SELECT q.i, r.* FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY "
                + "AS q(kana, kanji, birth, sex, addr, i), LATERAL (SELECT ?::text AS top) t, "
                + "LATERAL (SELECT " + table.columns() + " FROM " + table.name() + " r WHERE NOT r.deleted AND "
                + condition + " LIMIT " + limit + ") r";
    }

    private void run(Connection c, String sql, List<FourInfo> keys, List<Integer> which, List<List<Found>> out)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int from = 0; from < which.size(); from += BATCH) {
                List<Integer> batch = which.subList(from, Math.min(which.size(), from + BATCH));
                String[][] cols = new String[5][batch.size()];
                for (int j = 0; j < batch.size(); j++) {
                    FourInfo k = keys.get(batch.get(j));
                    cols[0][j] = k.nameKana() == null ? null : NameKeys.kana(k.nameKana());
                    cols[1][j] = k.nameKanji() == null ? null : NameKeys.kanji(k.nameKanji());
                    cols[2][j] = k.birthDate();
                    cols[3][j] = k.sex();
                    cols[4][j] = k.addressPrefix();
                }
                for (int p = 0; p < 5; p++) {
                    ps.setArray(p + 1, c.createArrayOf("text", cols[p]));
                }
                ps.setString(6, SearchKeys.MAX);
                Map<Integer, List<Found>> matches = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int j = (int) rs.getLong(1) - 1;
                        matches.computeIfAbsent(batch.get(j), x -> new ArrayList<>(Math.min(limit, 16))).add(found(rs, 1));
                    }
                }
                matches.forEach(out::set);
            }
        }
    }

    private Found found(ResultSet rs) throws SQLException {
        return found(rs, 0);
    }

    private Found found(ResultSet rs, int offset) throws SQLException {
        Map<String, String> items = new LinkedHashMap<>();
        String code = rs.getString(offset + 1);
        items.put("juminhyo_code", code);
        items.put("name_kanji", rs.getString(offset + 2));
        items.put("name_kana", rs.getString(offset + 3));
        items.put("birth_date", rs.getString(offset + 4));
        items.put("sex", rs.getString(offset + 5));
        items.put("address", rs.getString(offset + 6));
        items.put("reason", rs.getString(offset + 7));
        items.put("change_date", rs.getString(offset + 8));
        String myNumber = rs.getString(offset + 9);
        if (myNumber != null) {
            items.put("my_number", myNumber);
        }
        return new Found(table.source(), code, items, rs.getBoolean(offset + 10));
    }
}

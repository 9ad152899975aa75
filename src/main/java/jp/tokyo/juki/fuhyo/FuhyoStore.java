package jp.tokyo.juki.fuhyo;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.record.FuhyoRecord;

/** The SQL of the fuhyo store; every method works inside the caller's transaction. */
final class FuhyoStore {
    static final String COLUMNS = "juminhyo_code, name_kanji, name_gaiji_count, name_kana, birth_date, sex, "
            + "address_municipality_code, address_text, address_gaiji_count, last_address_text, last_address_gaiji_count, "
            + "change_date, former_juminhyo_code, managing_municipality_code, status, gaiji_flag, gaiji_pattern, notice_kind, "
            + "reason, kana_normalized, operator_id, terminal_id, updated_at, notified_date, deleted, update_seq, "
            + "origin_sender, origin_id";
    private static final int COLUMN_COUNT = 28;
    private static final String PLACEHOLDERS = "?,".repeat(COLUMN_COUNT - 1) + "?";
    private static final String UPSERT = "INSERT INTO fuhyo.person (" + COLUMNS + ") VALUES (" + PLACEHOLDERS
            + ") ON CONFLICT (juminhyo_code) DO UPDATE SET " + String.join(", ",
            Arrays.stream(COLUMNS.split(",\\s*")).filter(c -> !c.equals("juminhyo_code"))
                    .map(c -> c + " = EXCLUDED." + c).toList());

    /** The current rows of these persons, locked for this transaction (in code order, so batches never deadlock). */
    Map<String, FuhyoRow> lockCurrent(Connection c, Collection<String> codes) throws SQLException {
        Map<String, FuhyoRow> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM fuhyo.person WHERE juminhyo_code = ANY(?) ORDER BY juminhyo_code FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("bpchar", codes.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    FuhyoRow row = read(rs);
                    rows.put(row.juminhyoCode(), row);
                }
            }
        }
        return rows;
    }

    /** Superseded versions with the sequence number of the update that superseded each. */
    void insertHistory(Connection c, List<FuhyoRow> superseded, List<Long> supersededBy, Instant at) throws SQLException {
        if (superseded.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO fuhyo.person_history (" + COLUMNS
                + ", superseded_at, superseded_by_seq) VALUES (" + PLACEHOLDERS + ",?,?)")) {
            for (int i = 0; i < superseded.size(); i++) {
                bind(ps, superseded.get(i));
                ps.setTimestamp(COLUMN_COUNT + 1, Timestamp.from(at));
                ps.setLong(COLUMN_COUNT + 2, supersededBy.get(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void upsert(Connection c, Collection<FuhyoRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (FuhyoRow row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** One row of {@code fuhyo.person} (or its history) as selected with {@link #COLUMNS}. */
    static FuhyoRow read(ResultSet rs) throws SQLException {
        FuhyoRecord record = new FuhyoRecord(rs.getString("juminhyo_code"),
                new FuhyoRecord.Name(rs.getString("name_kanji"), rs.getString("name_kana"), rs.getInt("name_gaiji_count")),
                rs.getString("birth_date"), rs.getString("sex"),
                new FuhyoRecord.Address(rs.getString("address_municipality_code"), rs.getString("address_text"),
                        rs.getInt("address_gaiji_count")),
                new FuhyoRecord.LastAddress(rs.getString("last_address_text"), rs.getInt("last_address_gaiji_count")),
                rs.getString("former_juminhyo_code"), rs.getString("managing_municipality_code"), rs.getString("status"),
                rs.getString("gaiji_flag"), rs.getString("gaiji_pattern"), rs.getString("notice_kind"));
        return new FuhyoRow(record, rs.getString("reason"), rs.getDate("change_date").toLocalDate(),
                rs.getString("kana_normalized"), rs.getString("operator_id"), rs.getString("terminal_id"),
                rs.getTimestamp("updated_at").toInstant(), rs.getDate("notified_date").toLocalDate(),
                rs.getBoolean("deleted"), rs.getLong("update_seq"), rs.getString("origin_sender"),
                rs.getString("origin_id"));
    }

    private static void bind(PreparedStatement ps, FuhyoRow row) throws SQLException {
        FuhyoRecord r = row.record();
        int i = 1;
        ps.setString(i++, r.juminhyoCode());
        ps.setString(i++, r.name().kanji());
        ps.setInt(i++, r.name().gaijiCount());
        ps.setString(i++, r.name().kana());
        ps.setString(i++, r.birthDate());
        ps.setString(i++, r.sex());
        ps.setString(i++, r.address().municipalityCode());
        ps.setString(i++, r.address().text());
        ps.setInt(i++, r.address().gaijiCount());
        ps.setString(i++, r.lastAddress().text());
        ps.setInt(i++, r.lastAddress().gaijiCount());
        ps.setDate(i++, Date.valueOf(row.changeDate()));
        ps.setString(i++, r.formerJuminhyoCode());
        ps.setString(i++, r.managingMunicipalityCode());
        ps.setString(i++, r.status());
        ps.setString(i++, r.gaijiFlag());
        ps.setString(i++, r.gaijiPattern());
        ps.setString(i++, r.noticeKind());
        ps.setString(i++, row.reason());
        ps.setString(i++, row.kanaNormalized());
        ps.setString(i++, row.operatorId());
        ps.setString(i++, row.terminalId());
        ps.setTimestamp(i++, Timestamp.from(row.updatedAt()));
        ps.setDate(i++, Date.valueOf(row.notifiedDate()));
        ps.setBoolean(i++, row.deleted());
        ps.setLong(i++, row.updateSeq());
        ps.setString(i++, row.originSender());
        ps.setString(i, row.originId());
    }
}

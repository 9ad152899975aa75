package jp.tokyo.juki.fuhyo;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.store.PersonTable;
import jp.tokyo.juki.store.Stamp;

/** How a fuhyo row maps to the columns of {@code fuhyo.person} (and its history). */
final class FuhyoStore {
    static final String COLUMNS = "juminhyo_code, name_kanji, name_gaiji_count, name_kana, birth_date, sex, "
            + "address_municipality_code, address_text, address_gaiji_count, last_address_text, last_address_gaiji_count, "
            + "change_date, former_juminhyo_code, managing_municipality_code, status, gaiji_flag, gaiji_pattern, notice_kind, "
            + "reason, kana_normalized, operator_id, terminal_id, updated_at, notified_date, deleted, update_seq, "
            + "origin_sender, origin_id";

    /** The store's person table and its history. */
    static final PersonTable<FuhyoRow> TABLE = new PersonTable<>("fuhyo.person", COLUMNS, FuhyoStore::read, FuhyoStore::bind,
            row -> row.record().juminhyoCode());

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
        return new FuhyoRow(record, rs.getString("kana_normalized"), Stamp.read(rs));
    }

    /** Binds {@code row} to parameters {@code first}… in the order of {@link #COLUMNS}. */
    static void bind(PreparedStatement ps, int first, FuhyoRow row) throws SQLException {
        FuhyoRecord r = row.record();
        Stamp s = row.stamp();
        int i = first;
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
        ps.setDate(i++, Date.valueOf(s.changeDate()));
        ps.setString(i++, r.formerJuminhyoCode());
        ps.setString(i++, r.managingMunicipalityCode());
        ps.setString(i++, r.status());
        ps.setString(i++, r.gaijiFlag());
        ps.setString(i++, r.gaijiPattern());
        ps.setString(i++, r.noticeKind());
        ps.setString(i++, s.reason());
        ps.setString(i++, row.kanaNormalized());
        ps.setString(i++, s.operatorId());
        ps.setString(i++, s.terminalId());
        ps.setTimestamp(i++, Timestamp.from(s.updatedAt()));
        ps.setDate(i++, Date.valueOf(s.notifiedDate()));
        ps.setBoolean(i++, s.deleted());
        ps.setLong(i++, s.updateSeq());
        ps.setString(i++, s.originSender());
        ps.setString(i, s.originId());
    }
}

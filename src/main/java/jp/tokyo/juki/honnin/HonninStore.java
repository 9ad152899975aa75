package jp.tokyo.juki.honnin;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.store.PersonTable;
import jp.tokyo.juki.store.Stamp;

/** How a honnin row maps to the columns of {@code honnin.resident} (and its history). */
final class HonninStore {
    static final String COLUMNS = "juminhyo_code, name_kanji, name_gaiji_count, name_kana, birth_date, sex, "
            + "address_text, address_gaiji_count, my_number, reason, change_date, retention_flag, kana_normalized, "
            + "municipality_code, aza_code, operator_id, terminal_id, updated_at, notified_date, gaiji_flag, deleted, "
            + "update_seq, name_gaiji_change_seq, address_gaiji_change_seq, former_surname_kanji, "
            + "former_surname_gaiji_count, former_surname_kana, former_surname_gaiji_change_seq, origin_sender, origin_id";
    /** The columns {@link #readRecord} needs: the notified record alone (the consistency check streams these). */
    static final String RECORD_COLUMNS = "juminhyo_code, name_kanji, name_gaiji_count, name_kana, birth_date, sex, "
            + "address_text, address_gaiji_count, my_number, retention_flag, municipality_code, aza_code, gaiji_flag, "
            + "name_gaiji_change_seq, address_gaiji_change_seq, former_surname_kanji, former_surname_gaiji_count, "
            + "former_surname_kana, former_surname_gaiji_change_seq";

    /** The store's person table and its history. */
    static final PersonTable<HonninRow> TABLE = new PersonTable<>("honnin.resident", COLUMNS, HonninStore::read, HonninStore::bind,
            row -> row.record().juminhyoCode());

    /** One row of {@code honnin.resident} (or its history) as selected with {@link #COLUMNS}. */
    static HonninRow read(ResultSet rs) throws SQLException {
        HonninRecord record = readRecord(rs);
        return new HonninRow(record, rs.getString("kana_normalized"), Stamp.read(rs));
    }

    /** The notified record of a row selected with {@link #COLUMNS} or {@link #RECORD_COLUMNS}. */
    static HonninRecord readRecord(ResultSet rs) throws SQLException {
        Name name = new Name(rs.getString("name_kanji"), rs.getString("name_kana"), rs.getInt("name_gaiji_count"),
                rs.getInt("name_gaiji_change_seq"));
        Address address = new Address(rs.getString("address_text"), rs.getInt("address_gaiji_count"),
                rs.getInt("address_gaiji_change_seq"), rs.getString("municipality_code"), rs.getString("aza_code"));
        Name former = rs.getString("former_surname_kanji") == null ? null
                : new Name(rs.getString("former_surname_kanji"), rs.getString("former_surname_kana"),
                rs.getInt("former_surname_gaiji_count"), rs.getInt("former_surname_gaiji_change_seq"));
        return new HonninRecord(rs.getString("juminhyo_code"), name, rs.getString("birth_date"),
                rs.getString("sex"), address, rs.getString("my_number"), rs.getString("retention_flag"),
                rs.getString("gaiji_flag"), former);
    }

    /** Binds {@code row} to parameters {@code first}… in the order of {@link #COLUMNS}. */
    static void bind(PreparedStatement ps, int first, HonninRow row) throws SQLException {
        HonninRecord r = row.record();
        Stamp s = row.stamp();
        int i = first;
        ps.setString(i++, r.juminhyoCode());
        ps.setString(i++, r.name().kanji());
        ps.setInt(i++, r.name().gaijiCount());
        ps.setString(i++, r.name().kana());
        ps.setString(i++, r.birthDate());
        ps.setString(i++, r.sex());
        ps.setString(i++, r.address().text());
        ps.setInt(i++, r.address().gaijiCount());
        ps.setString(i++, r.myNumber());
        ps.setString(i++, s.reason());
        ps.setDate(i++, Date.valueOf(s.changeDate()));
        ps.setString(i++, r.retentionFlag());
        ps.setString(i++, row.kanaNormalized());
        ps.setString(i++, r.address().municipalityCode());
        ps.setString(i++, r.address().azaCode());
        ps.setString(i++, s.operatorId());
        ps.setString(i++, s.terminalId());
        ps.setTimestamp(i++, Timestamp.from(s.updatedAt()));
        ps.setDate(i++, Date.valueOf(s.notifiedDate()));
        ps.setString(i++, r.gaijiFlag());
        ps.setBoolean(i++, s.deleted());
        ps.setLong(i++, s.updateSeq());
        ps.setInt(i++, r.name().gaijiChangeSeq());
        ps.setInt(i++, r.address().gaijiChangeSeq());
        Name former = r.formerSurname();
        if (former == null) {
            ps.setNull(i++, Types.VARCHAR);
            ps.setNull(i++, Types.INTEGER);
            ps.setNull(i++, Types.VARCHAR);
            ps.setNull(i++, Types.INTEGER);
        } else {
            ps.setString(i++, former.kanji());
            ps.setInt(i++, former.gaijiCount());
            ps.setString(i++, former.kana());
            ps.setInt(i++, former.gaijiChangeSeq());
        }
        ps.setString(i++, s.originSender());
        ps.setString(i, s.originId());
    }
}

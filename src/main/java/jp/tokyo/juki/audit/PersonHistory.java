package jp.tokyo.juki.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened to one person (R-AUD-PERSON, the basis of 提供状況の開示): every audit record that
 * names the person's keyed hash — who sent a change (and which operator at which terminal), which
 * server was told, who asked — and every provision or transfer to an agency, with its business
 * and legal basis. Found through the keyed hash only; the 住民票コード itself is in neither table.
 */
public final class PersonHistory {
    private PersonHistory() {
    }

    /**
     * One audited exchange that concerned the person.
     *
     * @param operator who acted (an operator ID, or a CS envelope's operator), null when nobody is named
     * @param terminal the terminal they acted from, null when none is named
     */
    public record Exchange(long seq, Instant at, String line, String direction, String peer, String type, String messageId,
                           String sender, String status, String code, String operator, String terminal) {
    }

    /** One row of an agency request that concerned the person (提供・移転の記録). */
    public record Provision(Instant at, String agency, String kind, String business, String legalBasis, String keyType,
                            List<String> items, String outcome) {
    }

    public static List<Exchange> exchanges(Connection c, String personHash) throws SQLException {
        List<Exchange> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, at, line, direction, peer, msg_type, msg_id, sender, "
                + "status, code, operator_id, terminal_id FROM audit.record WHERE persons @> ARRAY[?]::text[] "
                + "ORDER BY seq NULLS LAST, id")) {
            ps.setString(1, personHash);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Exchange(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12)));
                }
            }
        }
        return out;
    }

    public static List<Provision> provisions(Connection c, String personHash) throws SQLException {
        List<Provision> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT at, agency, kind, business, legal_basis, key_type, items, "
                + "outcome FROM agency.provision WHERE person = ? ORDER BY at, id")) {
            ps.setString(1, personHash);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array items = rs.getArray(7);
                    out.add(new Provision(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6),
                            items == null ? List.of() : List.of((String[]) items.getArray()), rs.getString(8)));
                }
            }
        }
        return out;
    }
}

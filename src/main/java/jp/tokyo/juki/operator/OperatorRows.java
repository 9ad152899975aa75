package jp.tokyo.juki.operator;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL of the operator register's tables ({@code operator.operator}, {@code operator_role},
 * {@code operator_terminal}; V15), on the caller's connection and in its transaction.
 */
final class OperatorRows {
    private static final String COLUMNS = "id, display_name, status, issued_at, issued_by, revoked_at, last_reviewed_at, "
            + "last_login_at, locked_until, password_hash, failed_count";

    private OperatorRows() {
    }

    /** An operator as read with what only the register itself sees: the password hash and the count of wrong passwords. */
    record Row(Operator operator, String passwordHash, int failedCount) {
    }

    /** The operator {@code id} or null; {@code lock}: the row stays locked (FOR UPDATE) until the transaction ends. */
    static Row find(Connection c, String id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM operator.operator WHERE id = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Row(operator(rs, roles(c, id), terminals(c, id)), rs.getString("password_hash"),
                        rs.getInt("failed_count"));
            }
        }
    }

    /** Every operator, by ID. */
    static List<Operator> all(Connection c) throws SQLException {
        Map<String, Set<Role>> roles = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT operator_id, role FROM operator.operator_role");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                roles.computeIfAbsent(rs.getString(1), k -> EnumSet.noneOf(Role.class)).add(Role.valueOf(rs.getString(2)));
            }
        }
        Map<String, Set<String>> terminals = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT operator_id, terminal_id FROM operator.operator_terminal");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                terminals.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
            }
        }
        List<Operator> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM operator.operator ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString("id");
                all.add(operator(rs, roles.getOrDefault(id, Set.of()), terminals.getOrDefault(id, Set.of())));
            }
        }
        return all;
    }

    private static Operator operator(ResultSet rs, Set<Role> roles, Set<String> terminals) throws SQLException {
        return new Operator(rs.getString("id"), rs.getString("display_name"), roles, terminals,
                Operator.Status.valueOf(rs.getString("status")), instant(rs, "issued_at"), rs.getString("issued_by"),
                instant(rs, "revoked_at"), instant(rs, "last_reviewed_at"), instant(rs, "last_login_at"),
                instant(rs, "locked_until"));
    }

    static Set<Role> roles(Connection c, String id) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        try (PreparedStatement ps = c.prepareStatement("SELECT role FROM operator.operator_role WHERE operator_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.add(Role.valueOf(rs.getString(1)));
                }
            }
        }
        return roles;
    }

    static Set<String> terminals(Connection c, String id) throws SQLException {
        Set<String> terminals = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT terminal_id FROM operator.operator_terminal WHERE operator_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    terminals.add(rs.getString(1));
                }
            }
        }
        return terminals;
    }

    /** A new ACTIVE operator with its roles and terminals. */
    static void insert(Connection c, String id, String displayName, Set<Role> roles, Set<String> terminals,
                       String passwordHash, Instant now, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO operator.operator (id, display_name, status, issued_at, "
                + "issued_by, password_hash, password_changed_at) VALUES (?, ?, 'ACTIVE', ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, displayName);
            ps.setObject(3, time(now));
            ps.setString(4, by);
            ps.setString(5, passwordHash);
            ps.setObject(6, time(now));
            ps.executeUpdate();
        }
        for (Role r : roles) {
            grant(c, id, r, now, by);
        }
        setTerminals(c, id, terminals);
    }

    static void grant(Connection c, String id, Role role, Instant now, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO operator.operator_role (operator_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, role.name());
            ps.setObject(3, time(now));
            ps.setString(4, by);
            ps.executeUpdate();
        }
    }

    static void withdraw(Connection c, String id, Role role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM operator.operator_role WHERE operator_id = ? AND role = ?")) {
            ps.setString(1, id);
            ps.setString(2, role.name());
            ps.executeUpdate();
        }
    }

    static void setTerminals(Connection c, String id, Set<String> terminals) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM operator.operator_terminal WHERE operator_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO operator.operator_terminal (operator_id, terminal_id) VALUES (?, ?)")) {
            for (String t : terminals) {
                ps.setString(1, id);
                ps.setString(2, t);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A new password: the count of wrong ones and any lockout are cleared with it. */
    static void setPassword(Connection c, String id, String passwordHash, Instant now) throws SQLException {
        update(c, "UPDATE operator.operator SET password_hash = ?, password_changed_at = ?, failed_count = 0, "
                + "locked_until = NULL WHERE id = ?", passwordHash, time(now), id);
    }

    /**
     * The one UPDATE of a wrong password: the count of wrong passwords in a row and, when it reached
     * the limit, the end of the lockout (null: not locked).
     */
    static void failed(Connection c, String id, int failedCount, Instant lockedUntil) throws SQLException {
        update(c, "UPDATE operator.operator SET failed_count = ?, locked_until = ? WHERE id = ?", failedCount,
                time(lockedUntil), id);
    }

    /** A login: the count and the lockout cleared, the time kept; the password hash replaced when it was redone. */
    static void loggedIn(Connection c, String id, Instant now, String rehashed) throws SQLException {
        if (rehashed == null) {
            update(c, "UPDATE operator.operator SET failed_count = 0, locked_until = NULL, last_login_at = ? WHERE id = ?",
                    time(now), id);
        } else {
            update(c, "UPDATE operator.operator SET failed_count = 0, locked_until = NULL, last_login_at = ?, "
                    + "password_hash = ? WHERE id = ?", time(now), rehashed, id);
        }
    }

    static void unlock(Connection c, String id) throws SQLException {
        update(c, "UPDATE operator.operator SET failed_count = 0, locked_until = NULL WHERE id = ?", id);
    }

    static void reviewed(Connection c, String id, Instant now, String by) throws SQLException {
        update(c, "UPDATE operator.operator SET last_reviewed_at = ?, reviewed_by = ? WHERE id = ?", time(now), by, id);
    }

    /** Revoked for good: the password hash erased, the roles and terminals kept as the register's history. */
    static void revoke(Connection c, String id, Instant now, String by, String reason) throws SQLException {
        update(c, "UPDATE operator.operator SET status = 'REVOKED', revoked_at = ?, revoked_by = ?, revoke_reason = ?, "
                + "password_hash = NULL, failed_count = 0, locked_until = NULL WHERE id = ?", time(now), by, reason, id);
    }

    /** Whether an ACTIVE operator holds {@link Role#ADMINISTRATOR}. */
    static boolean anActiveAdministrator(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT FROM operator.operator o JOIN "
                + "operator.operator_role r ON r.operator_id = o.id WHERE o.status = 'ACTIVE' AND r.role = 'ADMINISTRATOR')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    static OffsetDateTime time(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}

package jp.tokyo.juki.agency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry state of an agency's request files ({@link FileFailures}) in {@code agency.request_failure}, shared by
 * every node (issue 14): the node that holds the agency's lease counts an attempt before it processes the file, so a
 * file that kills its node is refused after the configured attempts in total, whichever nodes tried it. Logs
 * under {@link AgencyRequests}'s name.
 */
final class FileFailureTable {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyRequests.class);
    private static final String COLUMNS = "file_name, failures, out_of_memory, errors, unreadable, unreadable_digest, "
            + "next_at, started";

    private final DataSource dataSource;

    FileFailureTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The failures of this agency's files now in {@code inbox/}; those of files gone are forgotten. */
    Map<String, FileFailures> load(String agency, List<String> present) throws SQLException {
        Map<String, FileFailures> out = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM agency.request_failure WHERE agency = ? AND NOT (file_name = ANY (?))")) {
                ps.setString(1, agency);
                ps.setArray(2, c.createArrayOf("text", present.toArray()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM agency.request_failure WHERE agency = ?")) {
                ps.setString(1, agency);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new FileFailures(rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                                rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getInt(8)));
                    }
                }
            }
        }
        return out;
    }

    /** Writes the file's failures as they are now (an attempt begun, or one that ended in a failure). */
    void save(String agency, String fileName, FileFailures f) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO agency.request_failure (agency, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (agency, file_name) DO UPDATE SET failures = excluded.failures, "
                        + "out_of_memory = excluded.out_of_memory, errors = excluded.errors, "
                        + "unreadable = excluded.unreadable, unreadable_digest = excluded.unreadable_digest, "
                        + "next_at = excluded.next_at, started = excluded.started")) {
            ps.setString(1, agency);
            ps.setString(2, fileName);
            ps.setInt(3, f.count());
            ps.setInt(4, f.outOfMemory());
            ps.setInt(5, f.errors());
            ps.setInt(6, f.unreadable());
            ps.setString(7, f.digest());
            ps.setTimestamp(8, Timestamp.from(f.next()));
            ps.setInt(9, f.started());
            ps.executeUpdate();
        }
    }

    /** An attempt that ended without a failure of the file (the database went away, the lease was lost): not counted. */
    void abandoned(String agency, String fileName) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE agency.request_failure SET started = greatest(started - 1, failures) "
                        + "WHERE agency = ? AND file_name = ?")) {
            ps.setString(1, agency);
            ps.setString(2, fileName);
            ps.executeUpdate();
        }
    }

    /** The file was answered: its failures are forgotten. */
    void clear(String agency, String fileName) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM agency.request_failure WHERE agency = ? AND file_name = ?")) {
            ps.setString(1, agency);
            ps.setString(2, fileName);
            ps.executeUpdate();
        }
    }

    /** One more failure of the file, written for every node (and kept in {@code failed} for this poll). */
    FileFailures failedAgain(String agency, String fileName, Map<String, FileFailures> failed, Instant now,
                             FileFailures.Kind kind, String digest) {
        FileFailures next = FileFailures.after(failed.get(fileName), now, kind, digest);
        failed.put(fileName, next);
        try {
            save(agency, fileName, next);
        } catch (SQLException e) {
            LOG.warn("agency {}: a request's failure not recorded (SQLState {}); its attempt counts all the same",
                    agency, e.getSQLState());
        }
        return next;
    }

    /** An attempt ended by the database or the lease, not by the file: not counted against it (when it can be said). */
    void abandoned(String agency, String fileName, Map<String, FileFailures> failed) {
        if (!failed.containsKey(fileName)) {
            return;
        }
        try {
            abandoned(agency, fileName);
        } catch (SQLException e) {
            LOG.debug("agency {}: abandoned attempt not recorded (SQLState {})", agency, e.getSQLState());
        }
    }
}

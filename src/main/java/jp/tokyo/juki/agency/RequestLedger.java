package jp.tokyo.juki.agency;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditChain;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.platform.CopyText;
import jp.tokyo.juki.platform.Lease;
import org.postgresql.PGConnection;

/**
 * The gateway's record of each request file ({@code agency.request}) and of each row's provision
 * ({@code agency.provision}), on the agency flow's own database role. A file is found again by
 * (agency, name, SHA-256) until it is DONE, which is what makes answering crash-safe: the answer
 * and the provision records are committed together before the answer is published, and a file
 * whose answer is committed is never answered again. With several nodes (issue 14) each of a file's steps
 * commits only while this node holds the agency's lease ({@link Lease#check} in the same transaction).
 */
public final class RequestLedger {
    /** The agency flow's login role (V7__agency_requests.sql). */
    public static final String ROLE = "juki_agency";

    /** States of a request file (see V7__agency_requests.sql). */
    public enum State { RECEIVED, WAITING, APPROVED, REJECTED, ANSWERED, DONE }

    /** A request file as recorded. */
    public record Request(long id, String agency, String fileName, State state, Integer rows, String decidedBy,
                          String decisionReason, String answerFile) {
        /** The R-LINK delivery this file's answer is: its My Numbers are held until the agency collects it. */
        public String deliveryId() {
            return agency + ":" + id;
        }
    }

    private final DataSource dataSource;
    private final Function<String, Lease> leases;

    /** @param leases each agency's lease (by agency id), checked by every step of its files */
    public RequestLedger(DataSource dataSource, Function<String, Lease> leases) {
        this.dataSource = dataSource;
        this.leases = leases;
    }

    /** The retry state of the files, in the same database (shared by the nodes). */
    FileFailureTable failures() {
        return new FileFailureTable(dataSource);
    }

    /** Whether a file of this name waits for a manager (it is then not even read). */
    public boolean waiting(String agency, String fileName) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM agency.request WHERE agency = ? AND file_name = ? AND state = 'WAITING'")) {
            ps.setString(1, agency);
            ps.setString(2, fileName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The open record of this very file, or a new one in state RECEIVED. */
    public Request receive(String agency, String fileName, String digest) throws SQLException {
        return fenced(agency, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO agency.request (agency, file_name, digest, state) "
                    + "VALUES (?, ?, ?, 'RECEIVED') ON CONFLICT (agency, file_name, digest) WHERE state <> 'DONE' DO NOTHING")) {
                ps.setString(1, agency);
                ps.setString(2, fileName);
                ps.setString(3, digest);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agency.request "
                    + "WHERE agency = ? AND file_name = ? AND digest = ? AND state <> 'DONE'")) {
                ps.setString(1, agency);
                ps.setString(2, fileName);
                ps.setString(3, digest);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return request(rs);
                }
            }
        });
    }

    /**
     * The request waits for a manager. (No other file of this name can be waiting: a name with a
     * waiting request is not read until it is decided or withdrawn.)
     */
    public void awaitApproval(Request r, int rows) throws SQLException {
        fenced(r.agency(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE agency.request SET state = 'WAITING', row_count = ? WHERE id = ?")) {
                ps.setInt(1, rows);
                ps.setLong(2, r.id());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The answer is written (not yet published): its name, its code, every row's provision record
     * and the file's audit record are committed together — appended to the audit chain last, so
     * the chain's lock is held only for that one record.
     */
    public void answered(Request r, String answerFile, String code, Integer rows, List<Provision> provisions,
                         AuditEvent audited) throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE agency.request SET state = 'ANSWERED', answer_file = ?, "
                    + "answer_code = ?, row_count = coalesce(?, row_count), answered_at = now() WHERE id = ?")) {
                ps.setString(1, answerFile);
                ps.setString(2, code);
                ps.setObject(3, rows);
                ps.setLong(4, r.id());
                ps.executeUpdate();
                copyProvisions(c, r.id(), provisions);
                leases.apply(r.agency()).check(c); // before the chain's lock: the lease is held when the commit is sent
                AuditChain.append(c, List.of(audited));
                c.commit();
            } catch (SQLException | IOException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Requests waiting for, or decided by, a manager whose file is no longer in {@code inbox/}
     * (the agency took it back): closed, so they leave {@code approvals list}.
     *
     * @param present the names now in {@code inbox/}
     */
    public List<Request> withdrawn(String agency, List<String> present) throws SQLException {
        List<Request> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE agency.request SET state = 'DONE', decision_reason = coalesce(decision_reason || '; ', '') "
                        + "|| 'withdrawn: the file left inbox/ unanswered' WHERE agency = ? "
                        + "AND state IN ('WAITING', 'APPROVED', 'REJECTED') AND NOT (file_name = ANY (?)) RETURNING " + COLUMNS)) {
            ps.setString(1, agency);
            ps.setArray(2, c.createArrayOf("text", present.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(request(rs));
                }
            }
        }
        return out;
    }

    /**
     * Requests answered (the answer committed) whose file is no longer in {@code inbox/}, yet not DONE: a holder
     * lost its lease, or died, between removing the request and recording DONE (the crash-safe order). No file is
     * left to lead the next holder to them, so its poll closes those whose answer is published (found by
     * AgencyLeaseIT in a fresh-clone run: a request stayed ANSWERED after its holder's lease was lost at that step).
     *
     * @param present the names now in {@code inbox/}
     */
    public List<Request> answeredWithoutFile(String agency, List<String> present) throws SQLException {
        List<Request> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM agency.request WHERE agency = ? AND state = 'ANSWERED' "
                        + "AND NOT (file_name = ANY (?)) ORDER BY id")) {
            ps.setString(1, agency);
            ps.setArray(2, c.createArrayOf("text", present.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(request(rs));
                }
            }
        }
        return out;
    }

    /** The request has left {@code inbox/}. */
    public void done(Request r) throws SQLException {
        fenced(r.agency(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE agency.request SET state = 'DONE' WHERE id = ?")) {
                ps.setLong(1, r.id());
                return ps.executeUpdate();
            }
        });
    }

    /** One transaction that commits only while this node holds the agency's lease. */
    private <T> T fenced(String agency, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T out = work.run(c);
                leases.apply(agency).check(c); // last: the lease is held when the commit is sent
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** The agency removed the answer: the requests it answered (their R-LINK deliveries end). */
    public List<Request> collected(String agency, String answerFile) throws SQLException {
        return closeAnswer(agency, answerFile, "collected_at");
    }

    /** The gateway erased an answer nobody collected within the retention period. */
    public List<Request> erased(String agency, String answerFile) throws SQLException {
        return closeAnswer(agency, answerFile, "erased_at");
    }

    /**
     * The published answers of this agency neither collected nor erased yet. Only DONE requests:
     * an ANSWERED one may still be a {@code .part} (a crash between commit and rename), which the
     * next poll publishes — until then its absence from {@code outbox/} is no collection.
     */
    public List<String> openAnswers(String agency) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT answer_file FROM agency.request WHERE agency = ? AND answer_file IS NOT NULL "
                        + "AND collected_at IS NULL AND erased_at IS NULL AND state = 'DONE'")) {
            ps.setString(1, agency);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<Request> closeAnswer(String agency, String answerFile, String column) throws SQLException {
        List<Request> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE agency.request SET " + column + " = now() WHERE agency = ? AND answer_file = ? "
                        + "AND collected_at IS NULL AND erased_at IS NULL AND state = 'DONE' RETURNING "
                        + COLUMNS)) {
            ps.setString(1, agency);
            ps.setString(2, answerFile);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(request(rs));
                }
            }
        }
        return out;
    }

    static final String COLUMNS = "id, agency, file_name, state, row_count, decided_by, decision_reason, answer_file";

    static Request request(ResultSet rs) throws SQLException {
        int rows = rs.getInt(5);
        Integer rowCount = rs.wasNull() ? null : rows;
        return new Request(rs.getLong(1), rs.getString(2), rs.getString(3), State.valueOf(rs.getString(4)),
                rowCount, rs.getString(6), rs.getString(7), rs.getString(8));
    }

    /** COPY in text format: every value escaped, so nothing an agency wrote can break a line. */
    private static void copyProvisions(Connection c, long request, List<Provision> provisions)
            throws SQLException, IOException {
        if (provisions.isEmpty()) {
            return;
        }
        String at = Timestamp.from(Instant.now()).toInstant().toString();
        StringBuilder text = new StringBuilder(provisions.size() * 160);
        for (Provision p : provisions) {
            text.append(at).append('\t').append(request).append('\t').append(p.line()).append('\t');
            field(text, p.agency()).append('\t');
            field(text, p.kind().name()).append('\t');
            field(text, p.business()).append('\t');
            field(text, p.legalBasis()).append('\t');
            field(text, p.rowRef()).append('\t');
            field(text, p.keyType()).append('\t');
            field(text, p.person()).append('\t');
            text.append('{').append(String.join(",", p.items())).append('}').append('\t');
            field(text, p.outcome()).append('\t');
            field(text, p.reason()).append('\n');
        }
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY agency.provision (at, request, line, agency, kind, "
                + "business, legal_basis, row_ref, key_type, person, items, outcome, reason) FROM STDIN",
                new StringReader(text.toString()));
    }

    private static StringBuilder field(StringBuilder b, String v) {
        return CopyText.append(b, v);
    }

    /** For the operator tools and tests: the record of one request. */
    public Optional<Request> find(long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM agency.request WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(request(rs)) : Optional.empty();
            }
        }
    }
}

package jp.tokyo.juki.disclosure;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;

/**
 * Correction and stop-of-use requests (訂正・追加・削除の申出, 利用停止請求, R-DISC), a manager's:
 * registered for a person found by the same 4 items 突合 as a disclosure (a MATCHED request), with
 * what is asked in free text (kept here, never logged nor audited), and tracked to their outcome:
 * RECEIVED → FORWARDED (to the municipality that keeps the resident record) or UNDER_REVIEW →
 * ACCEPTED or REJECTED (with the reason), which closes it. The decision is taken by another manager
 * than the one who registered the request (separation of duties, J403, audited as a refusal).
 * Every step is audited ({@code CORRECTION_REQUEST}) with the person's keyed hash.
 */
public final class Corrections {
    /** What is asked. */
    public enum Kind {
        /** 訂正の申出 */
        CORRECTION,
        /** 追加の申出 */
        ADDITION,
        /** 削除の申出 */
        DELETION,
        /** 利用停止請求 */
        STOP_USE
    }

    /** Where a request stands; ACCEPTED and REJECTED close it. */
    public enum Status {
        RECEIVED, FORWARDED, UNDER_REVIEW, ACCEPTED, REJECTED;

        public boolean closed() {
            return this == ACCEPTED || this == REJECTED;
        }
    }

    /** One correction or stop-of-use request. */
    public record Correction(String number, Kind kind, String request, String person, String asked, Status status,
                             String registeredBy, Instant registeredAt, String updatedBy, Instant updatedAt, String decidedBy,
                             Instant decidedAt, String outcomeReason) {
    }

    private final DataSource db;
    private final DisclosureAudit audit;

    /** @param db the pool of {@code juki_disclosure} */
    public Corrections(DataSource db, PersonHasher hasher, Clock clock) {
        this.db = db;
        this.audit = new DisclosureAudit(hasher, clock);
    }

    /** Registers a request for the person of the MATCHED disclosure request {@code request}. */
    public Correction register(Actor who, String request, String kind, String asked) throws SQLException, DisclosureRefused {
        Kind k = Requester.choice(Kind.class, kind, "kind", "one of CORRECTION, ADDITION, DELETION, STOP_USE");
        if (asked == null || asked.isBlank() || asked.strip().length() > 2000) {
            throw new DisclosureRefused(DisclosureRefused.INVALID, "asked must say what is asked, in 1-2000 characters");
        }
        try (Connection c = db.getConnection()) {
            return DisclosureAudit.inTransaction(c, () -> {
                Disclosures.Stated s = Disclosures.stated(c, request);
                if (s.status() != CheckResult.MATCHED) {
                    throw new DisclosureRefused(DisclosureRefused.STATE, "request " + request.strip() + " is " + s.status()
                            + ": a correction is registered for a person MATCHED against the record");
                }
                String number = audit.next(c, "disclosure.correction_seq", "C");
                OffsetDateTime now = now();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO disclosure.correction (number, kind, request, person, "
                        + "asked, status, registered_by, registered_at, updated_by, updated_at) VALUES (?,?,?,?,?,'RECEIVED',?,?,?,?)")) {
                    ps.setString(1, number);
                    ps.setString(2, k.name());
                    ps.setString(3, request.strip());
                    ps.setString(4, audit.hash(s.matchedCode()));
                    ps.setString(5, asked.strip());
                    ps.setString(6, who.operatorId());
                    ps.setObject(7, now);
                    ps.setString(8, who.operatorId());
                    ps.setObject(9, now);
                    ps.executeUpdate();
                }
                audit.write(c, who, GatewayEvent.CORRECTION_REQUEST, AuditStatus.ASKED, null, "registered " + number + " ("
                        + k + ") on " + request.strip(), List.of(s.matchedCode()));
                return get(c, number);
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Takes the next step: FORWARDED or UNDER_REVIEW (anyone), ACCEPTED or REJECTED (another manager
     * than the registrar; REJECTED with its reason).
     */
    public Correction decide(Actor who, String number, String to, String reason) throws SQLException, DisclosureRefused {
        Status next = Requester.choice(Status.class, to, "status", "one of FORWARDED, UNDER_REVIEW, ACCEPTED, REJECTED");
        if (next == Status.RECEIVED) {
            throw new DisclosureRefused(DisclosureRefused.INVALID, "status must be one of FORWARDED, UNDER_REVIEW, ACCEPTED, REJECTED");
        }
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (next == Status.REJECTED && why == null || why != null && why.length() > 500) {
            throw new DisclosureRefused(DisclosureRefused.INVALID, "reason must be given for REJECTED, in at most 500 characters");
        }
        String key = number == null ? "" : number.strip();
        try (Connection c = db.getConnection()) {
            String[] refusedFor = new String[1];
            try {
                return DisclosureAudit.inTransaction(c, () -> {
                    Correction cur = lock(c, key);
                    if (cur.status().closed()) {
                        throw new DisclosureRefused(DisclosureRefused.STATE, key + " is closed (" + cur.status() + ")");
                    }
                    if (cur.status() == next) {
                        throw new DisclosureRefused(DisclosureRefused.STATE, key + " is " + next + " already");
                    }
                    String code = matchedCode(c, cur.request());
                    if (next.closed() && cur.registeredBy().equals(who.operatorId())) {
                        refusedFor[0] = code;
                        throw new DisclosureRefused(DisclosureRefused.NOT_YOURS, "the decision on " + key
                                + " is another manager's than the one who registered it");
                    }
                    OffsetDateTime now = now();
                    try (PreparedStatement ps = c.prepareStatement("UPDATE disclosure.correction SET status = ?, updated_by = ?, "
                            + "updated_at = ?, decided_by = ?, decided_at = ?, outcome_reason = coalesce(?, outcome_reason) "
                            + "WHERE number = ?")) {
                        ps.setString(1, next.name());
                        ps.setString(2, who.operatorId());
                        ps.setObject(3, now);
                        ps.setString(4, next.closed() ? who.operatorId() : null);
                        ps.setObject(5, next.closed() ? now : null);
                        ps.setString(6, why);
                        ps.setString(7, key);
                        ps.executeUpdate();
                    }
                    audit.write(c, who, GatewayEvent.CORRECTION_REQUEST, switch (next) {
                        case ACCEPTED -> AuditStatus.APPROVED;
                        case REJECTED -> AuditStatus.REJECTED;
                        default -> AuditStatus.WAITING;
                    }, null, key + " " + cur.status() + " -> " + next, code == null ? List.of() : List.of(code));
                    return get(c, key);
                });
            } catch (DisclosureRefused r) {
                if (DisclosureRefused.NOT_YOURS.equals(r.code())) {
                    c.setAutoCommit(true);
                    audit.write(c, who, GatewayEvent.CORRECTION_REQUEST, AuditStatus.REFUSED, r.code(), r.getMessage(),
                            refusedFor[0] == null ? List.of() : List.of(refusedFor[0]));
                }
                throw r;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The requests, newest first (at most {@code limit}); {@code open}: only those not closed. */
    public List<Correction> list(boolean open, int limit) throws SQLException {
        List<Correction> out = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(SELECT + (open ? " WHERE decided_at IS NULL" : "")
                     + " ORDER BY registered_at DESC, number DESC LIMIT ?")) {
            ps.setInt(1, Math.max(1, Math.min(limit, 1000)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(correction(rs));
                }
            }
        }
        return out;
    }

    private static final String SELECT = "SELECT number, kind, request, person, asked, status, registered_by, registered_at, "
            + "updated_by, updated_at, decided_by, decided_at, outcome_reason FROM disclosure.correction";

    private static Correction lock(Connection c, String number) throws SQLException, DisclosureRefused {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE number = ? FOR UPDATE")) {
            ps.setString(1, number);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new DisclosureRefused(DisclosureRefused.NO_SUCH, "no such correction request");
                }
                return correction(rs);
            }
        }
    }

    private static Correction get(Connection c, String number) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE number = ?")) {
            ps.setString(1, number);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return correction(rs);
            }
        }
    }

    private static String matchedCode(Connection c, String request) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT matched_code FROM disclosure.request WHERE number = ?")) {
            ps.setString(1, request);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Correction correction(ResultSet rs) throws SQLException {
        return new Correction(rs.getString(1), Kind.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), Status.valueOf(rs.getString(6)), rs.getString(7), Disclosures.instant(rs.getTimestamp(8)),
                rs.getString(9), Disclosures.instant(rs.getTimestamp(10)), rs.getString(11),
                Disclosures.instant(rs.getTimestamp(12)), rs.getString(13));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(audit.clock().instant(), ZoneOffset.UTC);
    }
}

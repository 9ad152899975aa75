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
 * The form register (帳票管理簿): every disclosure form printed — number, request, person (keyed
 * hash), pages, who printed it and when — and what became of the paper: handed over to the
 * requester (by, at) and destroyed (by, at, reason: a spoiled print, one never collected). Managers
 * and auditors read it; only a manager records a hand-over or a destruction ({@code mayRecord}),
 * an auditor checks the register against the paper. Each entry is audited ({@code DISCLOSURE_FORM}).
 */
public final class FormRegister {
    /** One form as the register holds it. */
    public record Entry(String number, String request, String person, int pages, String printedBy, Instant printedAt,
                        String handedOverBy, Instant handedOverAt, String destroyedBy, Instant destroyedAt,
                        String destroyReason) {
    }

    private final DataSource db;
    private final DisclosureAudit audit;

    /** @param db the pool of {@code juki_disclosure} */
    public FormRegister(DataSource db, PersonHasher hasher, Clock clock) {
        this.db = db;
        this.audit = new DisclosureAudit(hasher, clock);
    }

    /** The latest forms, newest first (at most {@code limit}); with a request number, that request's forms. */
    public List<Entry> list(String request, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(SELECT + (request == null ? "" : " WHERE request = ?")
                     + " ORDER BY printed_at DESC, number DESC LIMIT ?")) {
            int i = 1;
            if (request != null) {
                ps.setString(i++, request.strip());
            }
            ps.setInt(i, Math.max(1, Math.min(limit, 1000)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(entry(rs));
                }
            }
        }
        return out;
    }

    /** Records that the form was handed over to the requester. */
    public Entry handedOver(Actor who, boolean mayRecord, String number) throws SQLException, DisclosureRefused {
        return step(who, mayRecord, number, null);
    }

    /** Records that the form was destroyed, with the reason (one line, 1-200 characters). */
    public Entry destroyed(Actor who, boolean mayRecord, String number, String reason) throws SQLException, DisclosureRefused {
        if (reason == null || reason.isBlank() || reason.strip().length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
            throw new DisclosureRefused(DisclosureRefused.INVALID, "reason must be one line of 1-200 characters");
        }
        return step(who, mayRecord, number, reason.strip());
    }

    private Entry step(Actor who, boolean mayRecord, String number, String destroyReason) throws SQLException, DisclosureRefused {
        if (!mayRecord) {
            throw new DisclosureRefused(DisclosureRefused.NOT_YOURS,
                    "a manager records hand-overs and destructions; an auditor reads the register");
        }
        boolean destroy = destroyReason != null;
        try (Connection c = db.getConnection()) {
            return DisclosureAudit.inTransaction(c, () -> {
                String code;
                try (PreparedStatement ps = c.prepareStatement("SELECT f.handed_over_at IS NOT NULL, f.destroyed_at IS NOT NULL, "
                        + "r.matched_code FROM disclosure.form f JOIN disclosure.request r ON r.number = f.request "
                        + "WHERE f.number = ? FOR UPDATE OF f")) {
                    ps.setString(1, number == null ? "" : number.strip());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new DisclosureRefused(DisclosureRefused.NO_SUCH, "no such form in the register");
                        }
                        if (rs.getBoolean(2)) {
                            throw new DisclosureRefused(DisclosureRefused.STATE, "form " + number + " was destroyed already");
                        }
                        if (!destroy && rs.getBoolean(1)) {
                            throw new DisclosureRefused(DisclosureRefused.STATE, "form " + number + " was handed over already");
                        }
                        code = rs.getString(3);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(destroy
                        ? "UPDATE disclosure.form SET destroyed_by = ?, destroyed_at = ?, destroy_reason = ? WHERE number = ?"
                        : "UPDATE disclosure.form SET handed_over_by = ?, handed_over_at = ? WHERE number = ?")) {
                    ps.setString(1, who.operatorId());
                    ps.setObject(2, OffsetDateTime.ofInstant(audit.clock().instant(), ZoneOffset.UTC));
                    if (destroy) {
                        ps.setString(3, destroyReason);
                    }
                    ps.setString(destroy ? 4 : 3, number.strip());
                    ps.executeUpdate();
                }
                // the reason is the operator's words: it stays in the register, the audit names the step
                audit.write(c, who, GatewayEvent.DISCLOSURE_FORM, destroy ? AuditStatus.ERASED : AuditStatus.COLLECTED, null,
                        (destroy ? "destroyed " : "handed over ") + number.strip(), code == null ? List.of() : List.of(code));
                return get(c, number.strip());
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String SELECT = "SELECT number, request, person, pages, printed_by, printed_at, handed_over_by, "
            + "handed_over_at, destroyed_by, destroyed_at, destroy_reason FROM disclosure.form";

    private static Entry get(Connection c, String number) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE number = ?")) {
            ps.setString(1, number);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return entry(rs);
            }
        }
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                Disclosures.instant(rs.getTimestamp(6)), rs.getString(7), Disclosures.instant(rs.getTimestamp(8)),
                rs.getString(9), Disclosures.instant(rs.getTimestamp(10)), rs.getString(11));
    }
}

package jp.tokyo.juki.link;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.link.HoldErasure.Erased;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * R-LINK: the My Number of a person abroad (国外転出者), for a business 番号法 allows, read from
 * the honnin store by 住民票コード and held in {@code link.my_number_hold} — in the same statement
 * that reads it — until {@link #confirmDelivered} or {@link #purgeExpired} erases it. Erasure is
 * a DELETE followed by {@code VACUUM (FULL)} of the hold, once no older snapshot can still see the
 * row, so the number is gone from the table's files, not only from its visible rows
 * (docs/decisions.md says what remains). Everything is audited on line {@code link}: every
 * obtain granted ({@code L000}), refused (its {@link LinkRefusal} code) or failed ({@code L503}),
 * every erasure and purge; persons only as the tap's keyed hashes, details never with a value.
 *
 * <p>Runs on its own database role ({@link #ROLE}), which can read the 住民票コード, My Number,
 * delete flag and reason of the honnin store, the 住民票コード, status and delete flag of the
 * fuhyo store, and nothing else of either.
 */
public final class MyNumberLink implements AutoCloseable {
    /** The bridge's login role (V5__my_number_link.sql). */
    public static final String ROLE = "juki_link";
    private static final Logger LOG = LoggerFactory.getLogger(MyNumberLink.class);
    private static final String LINE = "link";
    static final String OBTAIN = "MY_NUMBER_OBTAIN";
    static final String ERASE = "MY_NUMBER_ERASE";
    static final String PURGE = "MY_NUMBER_PURGE";
    /** 附票本人確認情報状態区分 of a person abroad */
    private static final String ABROAD = "1";
    private static final Pattern REQUESTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern DELIVERY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    /** Another business or requester already uses this delivery id. */
    private static final String DELIVERY_TAKEN = "SELECT 1 FROM link.my_number_hold WHERE delivery_id = ? "
            + "AND (business <> ? OR requester <> ?) LIMIT 1";
    private static final String HELD = "SELECT my_number, (expires_at <= ? OR held_at <= ?) AS expired "
            + "FROM link.my_number_hold WHERE delivery_id = ? AND juminhyo_code = ?";
    /**
     * Reads and holds in one statement, so the number held is the one of the state that allowed
     * it. ON CONFLICT: a concurrent obtain of the same delivery and person holds it once, and no
     * unique-violation error (whose detail would quote the key) reaches a log.
     */
    private static final String HOLD = "SELECT my_number FROM link.hold_my_number(?, ?, ?, ?, ?, ?)";
    /** Why HOLD held nothing: the state of both stores for the person (flags and reason, no number). */
    private static final String STATE = "SELECT fuhyo_status, fuhyo_deleted, honnin_deleted, honnin_reason "
            + "FROM link.person_state(?)";

    private final DataSource dataSource;
    private final MyNumberPermission permission;
    private final int maxHoldDays;
    private final AuditTap audit;
    private final Clock clock;
    private final HoldErasure erasure;
    private volatile boolean closed;

    /**
     * @param dataSource   connections of {@link #ROLE}
     * @param permission   which business 番号法 allows the My Number for
     * @param maxHoldDays  the longest a number waits for its delivery's confirmation (1–365)
     * @param snapshotWait how long an erasure waits for older snapshots to end before vacuuming
     *                     anyway (what they still see is vacuumed on the next purge)
     */
    public MyNumberLink(DataSource dataSource, MyNumberPermission permission, int maxHoldDays, AuditTap audit,
                        Clock clock, Duration snapshotWait) {
        LinkSettings.checkMaxHoldDays(maxHoldDays); // the same limit whoever builds one
        this.dataSource = dataSource;
        this.permission = permission;
        this.maxHoldDays = maxHoldDays;
        this.audit = audit;
        this.clock = clock;
        this.erasure = new HoldErasure(dataSource, snapshotWait);
    }

    public int maxHoldDays() {
        return maxHoldDays;
    }

    /**
     * The My Number of the person with this 住民票コード, for delivery {@code deliveryId} to
     * {@code requester} for {@code business}: granted only when 番号法 allows it for that business,
     * the person is in the fuhyo store as a person abroad (状態区分 1, not deleted) and in the honnin
     * store (current, or deleted by 国外転出). The number is held for the delivery until
     * {@link #confirmDelivered} or the maximum; asking again for the same delivery and person
     * returns the held copy. Refused otherwise, with the first {@link LinkRefusal} that applies.
     * Audited either way.
     *
     * @throws LinkUnavailableException the database could not answer (audited as FAILED)
     */
    public LinkOutcome obtain(String business, String requester, String deliveryId, String juminhyoCode) {
        ensureOpen();
        boolean wellFormed = business != null && LinkSettings.BUSINESS.matcher(business).matches()
                && requester != null && REQUESTER.matcher(requester).matches()
                && deliveryId != null && DELIVERY.matcher(deliveryId).matches()
                && juminhyoCode != null && CheckDigits.isValidJuminhyoCode(juminhyoCode);
        List<String> persons = juminhyoCode == null ? List.of() : List.of(juminhyoCode);
        if (!wellFormed) {
            // only what fits its format reaches the audit record's columns
            audit.record(LINE, "in", requester != null && REQUESTER.matcher(requester).matches() ? requester : null,
                    OBTAIN, deliveryId != null && DELIVERY.matcher(deliveryId).matches() ? deliveryId : null, null,
                    "REFUSED", LinkRefusal.MALFORMED_REQUEST.code(), LinkRefusal.MALFORMED_REQUEST.reason(), persons);
            return new LinkOutcome.Refused(LinkRefusal.MALFORMED_REQUEST);
        }
        LinkOutcome outcome;
        try {
            outcome = permission.allows(business, requester) ? decide(business, requester, deliveryId, juminhyoCode)
                    : new LinkOutcome.Refused(LinkRefusal.BUSINESS_NOT_ALLOWED);
        } catch (SQLException e) {
            audit.record(LINE, "in", requester, OBTAIN, deliveryId, null, "FAILED", "L503",
                    "business " + business + ": database unavailable (SQLState " + e.getSQLState() + ")", persons);
            throw new LinkUnavailableException("obtain", e);
        }
        if (outcome instanceof LinkOutcome.Refused refused) {
            audit.record(LINE, "in", requester, OBTAIN, deliveryId, null, "REFUSED", refused.refusal().code(),
                    "business " + business + ": " + refused.refusal().reason(), persons);
        } else if (outcome instanceof LinkOutcome.Granted granted) {
            audit.record(LINE, "in", requester, OBTAIN, deliveryId, null, "GRANTED", "L000",
                    "business " + business + (granted.heldCopy() ? ": held copy for a repeated delivery"
                            : ": held for the delivery, at most " + maxHoldDays + " days"), persons);
        }
        return outcome;
    }

    private LinkOutcome decide(String business, String requester, String deliveryId, String code) throws SQLException {
        // a second round only when an expired copy was in the way (purged first) or the stores
        // changed between holding and explaining why nothing was held
        for (int round = 0; round < 3; round++) {
            Instant now = clock.instant();
            Decision d;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    d = decideIn(c, business, requester, deliveryId, code, now);
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            }
            if (d.outcome() != null) {
                return d.outcome();
            }
            if (d.expiredCopy()) {
                try {
                    purgeExpired();
                } catch (LinkUnavailableException e) {
                    throw new SQLException("purge before obtain failed", "08000");
                }
            }
        }
        throw new SQLException("the stores kept changing under the decision", "40001");
    }

    private record Decision(LinkOutcome outcome, boolean expiredCopy) {
    }

    private Decision decideIn(Connection c, String business, String requester, String deliveryId, String code,
                              Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELIVERY_TAKEN)) {
            ps.setString(1, deliveryId);
            ps.setString(2, business);
            ps.setString(3, requester);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Decision(new LinkOutcome.Refused(LinkRefusal.DELIVERY_CONFLICT), false);
                }
            }
        }
        Decision held = heldCopy(c, deliveryId, code, now);
        if (held != null) {
            return held;
        }
        try (PreparedStatement ps = c.prepareStatement(HOLD)) {
            ps.setString(1, deliveryId);
            ps.setString(2, business);
            ps.setString(3, requester);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now.plus(Duration.ofDays(maxHoldDays))));
            ps.setString(6, code);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Decision(new LinkOutcome.Granted(rs.getString(1), false), false);
                }
            }
        }
        // nothing held: a concurrent obtain of the same delivery and person got there first, or a refusal
        held = heldCopy(c, deliveryId, code, now);
        if (held != null) {
            return held;
        }
        LinkRefusal refusal = why(c, code);
        return new Decision(refusal == null ? null : new LinkOutcome.Refused(refusal), false);
    }

    private Decision heldCopy(Connection c, String deliveryId, String code, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HELD)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofDays(maxHoldDays))));
            ps.setString(3, deliveryId);
            ps.setString(4, code);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                // past the maximum it is no longer a copy to repeat with, only something to erase
                return rs.getBoolean(2) ? new Decision(null, true)
                        : new Decision(new LinkOutcome.Granted(rs.getString(1), true), false);
            }
        }
    }

    private static LinkRefusal why(Connection c, String code) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STATE)) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String status = rs.getString(1);
                boolean fuhyoDeleted = rs.getBoolean(2);
                boolean inHonnin = rs.getObject(3) != null;
                boolean honninDeleted = rs.getBoolean(3);
                String honninReason = rs.getString(4);
                if (status == null) {
                    return LinkRefusal.NOT_IN_FUHYO;
                }
                if (fuhyoDeleted) {
                    return LinkRefusal.DELETED_IN_FUHYO;
                }
                if (!ABROAD.equals(status)) {
                    return LinkRefusal.NOT_ABROAD;
                }
                if (!inHonnin) {
                    return LinkRefusal.NOT_IN_HONNIN;
                }
                if (honninDeleted && !Reason.MOVE_OUT_ABROAD.name().equals(honninReason)) {
                    return LinkRefusal.DELETED_IN_HONNIN;
                }
                return null; // allowed now: the stores changed since the hold was tried
            }
        }
    }

    /**
     * The delivery reached its recipient: erases every number held for it, irrecoverably as far
     * as the database allows. Audited (also when nothing was held).
     *
     * @return how many numbers were erased
     * @throws LinkUnavailableException the database could not answer; nothing was erased
     */
    public int confirmDelivered(String deliveryId) {
        ensureOpen();
        if (deliveryId == null || !DELIVERY.matcher(deliveryId).matches()) {
            audit.record(LINE, "in", null, ERASE, null, null, "REFUSED", LinkRefusal.MALFORMED_REQUEST.code(),
                    LinkRefusal.MALFORMED_REQUEST.reason(), List.of());
            return 0;
        }
        List<Erased> erased = erasure.erase("delivery_id = ?", deliveryId);
        if (erased.isEmpty()) {
            audit.record(LINE, "in", null, ERASE, deliveryId, null, "NOTHING_HELD", "L000",
                    "delivery confirmed; nothing was held for it", List.of());
            return 0;
        }
        audit.record(LINE, "in", erased.get(0).requester(), ERASE, deliveryId, null, "ERASED", "L000",
                "business " + erased.get(0).business() + ": delivery confirmed; held numbers erased: "
                        + erased.size(), erased.stream().map(Erased::juminhyoCode).toList());
        LOG.info("my-number hold: delivery {} confirmed, {} held numbers erased", deliveryId, erased.size());
        return erased.size();
    }

    /**
     * Erases what was held longer than the maximum (a delivery never confirmed), one audit record
     * per delivery; and repeats any VACUUM an erasure could not finish.
     *
     * @return how many numbers were erased
     */
    public int purgeExpired() {
        Instant now = clock.instant();
        List<Erased> erased = erasure.erase("expires_at <= ? OR held_at <= ?", Timestamp.from(now),
                Timestamp.from(now.minus(Duration.ofDays(maxHoldDays))));
        Map<String, List<Erased>> byDelivery = new LinkedHashMap<>();
        erased.forEach(e -> byDelivery.computeIfAbsent(e.deliveryId(), k -> new ArrayList<>()).add(e));
        byDelivery.forEach((delivery, rows) -> audit.record(LINE, "out", rows.get(0).requester(), PURGE, delivery, null,
                "PURGED", "L000", "business " + rows.get(0).business() + ": held beyond the maximum of "
                        + maxHoldDays + " days; numbers erased: " + rows.size(),
                rows.stream().map(Erased::juminhyoCode).toList()));
        if (!erased.isEmpty()) {
            LOG.info("my-number hold: purge erased {} numbers of {} deliveries held beyond {} days", erased.size(),
                    byDelivery.size(), maxHoldDays);
        } else {
            erasure.vacuumIfPending();
        }
        return erased.size();
    }

    /** The figures of the hold, for the operator. */
    public HoldFigures figures() {
        try (Connection c = dataSource.getConnection()) {
            return HoldFigures.read(c);
        } catch (SQLException e) {
            throw new LinkUnavailableException("figures", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("my-number link is closed");
        }
    }

    /** Refuses further use and finishes a VACUUM an erasure left pending, before the database stops. */
    @Override
    public void close() {
        closed = true;
        erasure.vacuumIfPending();
    }
}

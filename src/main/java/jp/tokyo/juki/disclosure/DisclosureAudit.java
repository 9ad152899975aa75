package jp.tokyo.juki.disclosure;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;

/**
 * The audit records of the disclosure capability, written on its own connection in the
 * transaction of the step they record (a step not audited is not taken), and its numbers
 * ({@code K-2026-000001}: the prefix, the year in Tokyo, a sequence that never repeats).
 * A record names the operator, the terminal, the request or form number and the result, and the
 * person by keyed hash only ({@link AuditEvent#of} hashes the codes it is given).
 */
final class DisclosureAudit {
    static final ZoneId JST = ZoneId.of("Asia/Tokyo");

    private final PersonHasher hasher;
    private final Clock clock;

    DisclosureAudit(PersonHasher hasher, Clock clock) {
        this.hasher = hasher;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    String hash(String code) {
        return hasher.hash(code);
    }

    /** Appends one record in {@code c}'s transaction; a failure refuses the step (A503). */
    void write(Connection c, Actor who, GatewayEvent type, AuditStatus status, String code, String detail,
               List<String> juminhyoCodes) throws DisclosureRefused {
        try {
            AuditWriter.insert(c, List.of(AuditEvent.of(hasher, AuditEvent.in(AuditLine.OPERATOR, who.peer(), type)
                    .status(status).code(code).detail(detail).persons(juminhyoCodes).operator(who.operatorId())
                    .terminal(who.terminal()))));
        } catch (SQLException e) {
            throw new DisclosureRefused(DisclosureRefused.NOT_AUDITED, "the step could not be audited; nothing was done");
        }
    }

    /** The next number of a sequence: {@code <prefix>-<year>-<000001>}. */
    String next(Connection c, String sequence, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT nextval('" + sequence + "')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return String.format("%s-%d-%06d", prefix, LocalDate.now(clock.withZone(JST)).getYear(), rs.getLong(1));
        }
    }

    /** Runs {@code work} in one transaction on {@code c}, rolled back on any failure or refusal. */
    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException, DisclosureRefused, IOException {
        c.setAutoCommit(false);
        try {
            T t = work.run();
            c.commit();
            return t;
        } catch (SQLException | DisclosureRefused | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /** A step in a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException, DisclosureRefused, IOException;
    }
}

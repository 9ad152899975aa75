package jp.tokyo.juki.operator;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.operator.OperatorRegister.Refused;

/**
 * The first administrator, created on the gateway's host ({@code ./gateway operators bootstrap},
 * issue 12 item 3) by whoever can reach its database as the owner: refused once any active
 * administrator exists — from then on operators are issued through the operator API, by an
 * administrator. Audited ({@code OPERATOR_BOOTSTRAP}) with the host user as peer
 * ({@code host:<user>}) and the new administrator as operator; a refusal is audited too.
 */
public final class OperatorBootstrap {
    private OperatorBootstrap() {
    }

    /**
     * Creates administrator {@code id} on {@code owner} (the database owner's connection, left with
     * auto-commit on), allowed to log in from {@code terminal}.
     *
     * @param hostUser the OS user who ran the command (recorded as {@code host:<user>})
     * @throws Refused {@code O409} an active administrator exists, or the ID was issued before;
     *                 {@code O400} the entry or the password is refused; {@code O503} hashes busy
     */
    public static Operator run(Connection owner, Clock clock, PasswordHasher hasher, PasswordPolicy policy, String id,
                               String displayName, String terminal, char[] password, String hostUser) throws Refused {
        String peer = "host:" + hostUser;
        Set<Role> roles = EnumSet.of(Role.ADMINISTRATOR);
        try {
            Set<String> terminals = EntryChecks.terminals(terminal == null ? Set.of() : Set.of(terminal));
            EntryChecks.checkNew(policy, id, displayName, roles, terminals, password);
            if (Tx.run(owner, OperatorRows::anActiveAdministrator)) {
                throw exists();
            }
            String hash;
            try {
                hash = hasher.hash(password);
            } catch (PasswordHasher.Busy e) {
                throw new Refused("O503", "too many password hashes at once; try again in a moment");
            }
            return Tx.run(owner, c -> {
                try (Statement st = c.createStatement()) {
                    // two bootstraps at once: the second waits here, then finds the first's administrator
                    st.execute("LOCK TABLE operator.operator IN SHARE ROW EXCLUSIVE MODE");
                }
                if (OperatorRows.anActiveAdministrator(c)) {
                    throw exists();
                }
                if (OperatorRows.find(c, id, false) != null) {
                    throw new Refused("O409", "operator " + id + " was issued before (an ID is never issued twice)");
                }
                Instant now = clock.instant();
                OperatorRows.insert(c, id, displayName.strip(), roles, terminals, hash, now, peer);
                audit(c, peer, id, id, AuditStatus.ALLOWED, OperatorRegister.DONE,
                        "first administrator created on the host; terminal " + String.join(", ", terminals));
                return OperatorRows.find(c, id, false).operator();
            });
        } catch (Refused r) {
            Tx.run(owner, c -> {
                audit(c, peer, null, id, AuditStatus.REFUSED, r.code(), "bootstrap refused: " + r.reason());
                return null;
            });
            throw r;
        }
    }

    private static Refused exists() {
        return new Refused("O409", "an active administrator exists: operators are issued through the operator API");
    }

    private static void audit(Connection c, String peer, String operator, String id, AuditStatus status, String code,
                              String detail) throws SQLException {
        OperatorAudit.append(c, AuditEvent.in(AuditLine.OPERATOR, peer, GatewayEvent.OPERATOR_BOOTSTRAP).operator(operator)
                .id(id).status(status).code(code).detail(detail));
    }
}

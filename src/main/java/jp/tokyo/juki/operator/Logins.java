package jp.tokyo.juki.operator;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * Operators' logins (issue 12 item 2): the second factor after the {@code op-<ID>} certificate is
 * the password. A login is refused ({@code L401}) for an unknown or revoked operator with the same
 * reason as for a wrong password, after the same work, so that IDs cannot be probed; a wrong
 * password counts, and the {@code lockout-attempts}th in a row locks the operator out for
 * {@code lockout-minutes}; a locked-out operator is refused ({@code L423}) without their password
 * being checked; a right password from a terminal not in the operator's list is refused
 * ({@code L403}). A login opens a session ({@link Sessions}). Every attempt is audited
 * ({@code OPERATOR_LOGIN}, with the operator ID and terminal given).
 *
 * <p>The password is checked outside any transaction (a hash takes a third of a second); the
 * outcome is then applied under the operator's row lock, where the lockout is decided afresh: of
 * attempts made at the same time on several nodes, each wrong one counts and none is answered
 * once the operator is locked out. All state is in the database.
 */
public final class Logins {
    /** the one reason of an unknown operator, a revoked one and a wrong password */
    public static final String WRONG = "wrong operator ID or password";
    private final DataSource ds;
    private final Clock clock;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final int attempts;
    private final Duration lockout;

    /**
     * @param attempts wrong passwords in a row that lock an operator out
     * @param lockout  for how long
     */
    public Logins(DataSource ds, Clock clock, PasswordHasher hasher, PasswordPolicy policy, int attempts,
                  Duration lockout) {
        this.ds = ds;
        this.clock = clock;
        this.hasher = hasher;
        this.policy = policy;
        this.attempts = attempts;
        this.lockout = lockout;
    }

    /** What {@link #login} answers. */
    public sealed interface Result permits LoggedIn, Refused {
    }

    /**
     * Logged in: the session token for the client (a cookie, a bearer token; the gateway keeps only
     * its hash) and the session.
     */
    public record LoggedIn(String token, Authenticated session) implements Result {
    }

    /**
     * Refused: {@code L400} no client certificate; {@code L401} {@link #WRONG}; {@code L423} locked
     * out; {@code L403} terminal not allowed; {@code L503} too many logins at once.
     */
    public record Refused(String code, String reason) implements Result {
    }

    /**
     * Logs operator {@code operatorId} (the part after {@code op-} of the client certificate's CN)
     * in from {@code terminal} with the certificate of {@code certFingerprint}
     * ({@link Sessions#fingerprint}) and {@code password}.
     */
    public Result login(String operatorId, String certFingerprint, char[] password, String terminal) {
        Instant now = clock.instant();
        String term = terminal == null ? null : terminal.strip().toLowerCase(Locale.ROOT);
        String fingerprint = Sessions.normal(certFingerprint);
        if (fingerprint == null) {
            return refused(operatorId, term, "L400", "no client certificate", "no client certificate");
        }
        OperatorRows.Row before = operatorId == null || !Operator.ID.matcher(operatorId).matches() ? null
                : Tx.run(ds, c -> OperatorRows.find(c, operatorId, false));
        boolean right;
        String rehashed = null;
        try {
            if (before == null || !before.operator().active()) {
                hasher.verifyNothing(password == null ? new char[0] : password);
                return refused(operatorId, term, "L401", WRONG, before == null ? "unknown operator" : "revoked operator");
            }
            if (before.operator().lockedAt(now)) {
                return refused(operatorId, term, "L423", lockedOut(), "locked out");
            }
            right = password != null && hasher.verify(password, before.passwordHash());
            if (right && hasher.needsRehash(before.passwordHash())) {
                rehashed = hasher.hash(password);
            }
        } catch (PasswordHasher.Busy e) {
            return refused(operatorId, term, "L503", "too many logins at once: try again in a moment", "hashes busy");
        }
        boolean ok = right;
        String rehash = rehashed;
        return Tx.run(ds, c -> {
            OperatorRows.Row row = OperatorRows.find(c, operatorId, true);
            if (row == null || !row.operator().active()) {
                return refusal(c, operatorId, term, "L401", WRONG, "revoked operator");
            }
            if (row.operator().lockedAt(now)) {
                return refusal(c, operatorId, term, "L423", lockedOut(), "locked out");
            }
            if (!Objects.equals(row.passwordHash(), before.passwordHash())) {
                return refusal(c, operatorId, term, "L401", WRONG, "password changed during the login");
            }
            if (!ok) {
                return refusal(c, operatorId, term, "L401", WRONG, wrong(c, row, now));
            }
            if (term == null || !row.operator().terminals().contains(term)) {
                return refusal(c, operatorId, term, "L403", "this terminal is not allowed for this operator",
                        "terminal not allowed");
            }
            OperatorRows.loggedIn(c, operatorId, now, rehash);
            Sessions.Opened opened = Sessions.open(c, row.operator(), fingerprint, term, now);
            OperatorAudit.append(c, OperatorAudit.draft(GatewayEvent.OPERATOR_LOGIN, operatorId, opened.session().session(),
                    AuditStatus.ALLOWED, "L200", rehash == null ? "logged in" : "logged in; password hash renewed")
                    .terminal(term));
            return new LoggedIn(opened.token(), opened.session());
        });
    }

    /**
     * Changes one's own password (an operator in their session): the current one is checked like a
     * login's — a wrong one counts towards the lockout — and the new one by the policy. Audited as a
     * change of the register by the operator themselves.
     *
     * @throws OperatorRegister.Refused {@code O401} the current password is wrong; {@code O423} locked
     *                                  out; {@code O400} the new one is refused; {@code O404} no such
     *                                  active operator; {@code O503} too many password hashes at once
     */
    public Operator changePassword(String operatorId, char[] current, char[] fresh) throws OperatorRegister.Refused {
        Instant now = clock.instant();
        try {
            OperatorRows.Row before = operatorId == null || !Operator.ID.matcher(operatorId).matches() ? null
                    : Tx.run(ds, c -> OperatorRows.find(c, operatorId, false));
            if (before == null || !before.operator().active()) {
                throw new OperatorRegister.Refused("O404", "no such operator");
            }
            if (before.operator().lockedAt(now)) {
                throw new OperatorRegister.Refused("O423", lockedOut());
            }
            EntryChecks.checkPassword(policy, fresh, operatorId, before.operator().displayName());
            boolean right;
            String hash;
            try {
                right = current != null && hasher.verify(current, before.passwordHash());
                hash = right ? hasher.hash(fresh) : null;
            } catch (PasswordHasher.Busy e) {
                throw new OperatorRegister.Refused("O503", "too many password hashes at once; try again in a moment");
            }
            String refusal = Tx.run(ds, c -> {
                OperatorRows.Row row = OperatorRows.find(c, operatorId, true);
                if (row == null || !row.operator().active()) {
                    return "O404";
                }
                if (row.operator().lockedAt(now)) {
                    return "O423";
                }
                if (!right || !Objects.equals(row.passwordHash(), before.passwordHash())) {
                    // the count of a wrong password commits with its audit record
                    OperatorAudit.append(c, OperatorAudit.draft(GatewayEvent.OPERATOR_REGISTER, operatorId, operatorId,
                            AuditStatus.REFUSED, "O401", "own password change refused: " + wrong(c, row, now)));
                    return "O401";
                }
                OperatorRows.setPassword(c, operatorId, hash, now);
                OperatorAudit.append(c, OperatorAudit.draft(GatewayEvent.OPERATOR_REGISTER, operatorId, operatorId,
                        AuditStatus.ALLOWED, OperatorRegister.DONE, "own password changed"));
                return null;
            });
            if ("O401".equals(refusal)) {
                // audited with its count above
                throw new OperatorRegister.Refused("O401", "the current password is wrong");
            }
            if (refusal != null) {
                throw new OperatorRegister.Refused(refusal, refusal.equals("O423") ? lockedOut() : "no such operator");
            }
            return Tx.run(ds, c -> OperatorRows.find(c, operatorId, false).operator());
        } catch (OperatorRegister.Refused r) {
            if (!r.code().equals("O401")) {
                Tx.run(ds, c -> {
                    OperatorAudit.append(c, OperatorAudit.draft(GatewayEvent.OPERATOR_REGISTER, operatorId, operatorId,
                            AuditStatus.REFUSED, r.code(), "own password change refused: " + r.reason()));
                    return null;
                });
            }
            throw r;
        }
    }

    /**
     * Counts a wrong password (the count of a lockout that has ended starts again) and locks the
     * operator out at the limit; what to audit.
     */
    private String wrong(Connection c, OperatorRows.Row row, Instant now) throws SQLException {
        boolean lockEnded = row.operator().lockedUntil() != null;
        int count = (lockEnded ? 0 : row.failedCount()) + 1;
        Instant until = count >= attempts ? now.plus(lockout) : null;
        OperatorRows.failed(c, row.operator().id(), count, until);
        return until == null ? "wrong password (" + count + " of " + attempts + ")"
                : "wrong password (" + count + " of " + attempts + "): locked out for " + lockout.toMinutes() + " minutes";
    }

    private String lockedOut() {
        return "locked out after " + attempts + " wrong passwords: try again later, or ask an administrator";
    }

    /** Audits a refusal in a transaction of its own and answers it. */
    private Refused refused(String operatorId, String terminal, String code, String reason, String detail) {
        return Tx.run(ds, c -> refusal(c, operatorId, terminal, code, reason, detail));
    }

    private static Refused refusal(Connection c, String operatorId, String terminal, String code, String reason,
                                   String detail) throws SQLException {
        OperatorAudit.append(c, OperatorAudit.draft(GatewayEvent.OPERATOR_LOGIN, operatorId, null, AuditStatus.REFUSED,
                code, "login refused: " + detail).terminal(terminal));
        return new Refused(code, reason);
    }
}

package jp.tokyo.juki.operator;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * The operator register (照合情報等管理簿, issue 12 item 1): operators issued, their roles granted
 * and withdrawn, their terminals, passwords reset, lockouts lifted, entries reviewed and operators
 * revoked — each by an active administrator ({@code by}), within {@link DutySeparation}. Every change
 * is one transaction that also appends its audit record ({@code OPERATOR_REGISTER}, code {@code O200},
 * the administrator as operator, the operator concerned as message id, what changed as detail — never
 * a password or a name). A refusal throws {@link Refused} and is audited too ({@code REFUSED}), in a
 * transaction of its own after the change was rolled back. Only an ACTIVE operator may be changed;
 * revocation is final (an ID is never issued again).
 */
public final class OperatorRegister {
    /** the code of every change made */
    public static final String DONE = "O200";
    private final DataSource ds;
    private final Clock clock;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;

    public OperatorRegister(DataSource ds, Clock clock, PasswordHasher hasher, PasswordPolicy policy) {
        this.ds = ds;
        this.clock = clock;
        this.hasher = hasher;
        this.policy = policy;
    }

    /**
     * A change refused, with a code of at most 8 characters — {@code O400} bad input or a password
     * the policy refuses, {@code O403} not an active administrator or against {@link DutySeparation},
     * {@code O404} no such operator, {@code O409} exists already, revoked, or not in the state the
     * change needs, {@code O503} too many password hashes at once — and a reason naming the rule
     * (never a password).
     */
    public static final class Refused extends Exception {
        private final String code;
        private final String reason;

        public Refused(String code, String reason) {
            super(code + ": " + reason, null, false, false);
            this.code = code;
            this.reason = reason;
        }

        public String code() {
            return code;
        }

        public String reason() {
            return reason;
        }
    }

    /** Issues operator {@code id} with roles, terminals and an initial password (the policy applies). */
    public Operator issue(String by, String id, String displayName, Set<Role> roles, Set<String> terminals,
                          char[] initialPassword) throws Refused {
        return change(by, id, "issue", () -> {
            EntryChecks.checkNew(policy, id, displayName, roles, terminals, initialPassword);
            if (find(id).isPresent()) {
                throw exists(id);
            }
            String hash = hash(initialPassword);
            Set<String> t = EntryChecks.terminals(terminals);
            return c -> {
                if (OperatorRows.find(c, id, true) != null) {
                    throw exists(id);
                }
                OperatorRows.insert(c, id, displayName.strip(), roles, t, hash, now(), by);
                return done(c, by, id, "issued with roles " + text(roles) + "; terminals " + String.join(", ", t), null);
            };
        });
    }

    /** Grants {@code role} to {@code id}. */
    public Operator grant(String by, String id, Role role) throws Refused {
        return change(by, id, "grant " + text(role), () -> c -> {
            Operator o = active(c, id);
            if (role == null) {
                throw new Refused("O400", "no role given");
            }
            refuseIf(DutySeparation.grant(by, id, o.roles(), role));
            if (o.roles().contains(role)) {
                throw new Refused("O409", "the operator holds role " + role.text() + " already");
            }
            OperatorRows.grant(c, id, role, now(), by);
            return done(c, by, id, "granted role " + role.text(), null);
        });
    }

    /** Withdraws {@code role} from {@code id}; it takes effect at their session's next request. */
    public Operator withdraw(String by, String id, Role role) throws Refused {
        return change(by, id, "withdraw " + text(role), () -> c -> {
            refuseIf(DutySeparation.withdraw(by, id));
            Operator o = active(c, id);
            if (role == null || !o.roles().contains(role)) {
                throw new Refused("O409", "the operator does not hold that role");
            }
            OperatorRows.withdraw(c, id, role);
            return done(c, by, id, "withdrew role " + role.text(), null);
        });
    }

    /** Sets the terminals {@code id} may log in from (at least one). */
    public Operator terminals(String by, String id, Set<String> terminals) throws Refused {
        return change(by, id, "terminals", () -> {
            Set<String> t = EntryChecks.terminals(terminals);
            return c -> {
                refuseIf(DutySeparation.change(by, id));
                active(c, id);
                OperatorRows.setTerminals(c, id, t);
                return done(c, by, id, "terminals now " + String.join(", ", t), null);
            };
        });
    }

    /** Gives {@code id} a new password (the policy applies), clears a lockout and ends their sessions. */
    public Operator resetPassword(String by, String id, char[] password) throws Refused {
        return change(by, id, "reset password", () -> {
            refuseIf(DutySeparation.change(by, id));
            Operator before = find(id).orElse(null);
            EntryChecks.checkPassword(policy, password, id, before == null ? null : before.displayName());
            String hash = hash(password);
            return c -> {
                active(c, id);
                OperatorRows.setPassword(c, id, hash, now());
                int ended = Sessions.endAll(c, id, Sessions.End.PASSWORD, now());
                return done(c, by, id, "password reset; " + ended + " session(s) ended", null);
            };
        });
    }

    /** Lifts a lockout of {@code id} (wrong passwords) before it ends by itself. */
    public Operator unlock(String by, String id) throws Refused {
        return change(by, id, "unlock", () -> c -> {
            refuseIf(DutySeparation.change(by, id));
            active(c, id);
            OperatorRows.unlock(c, id);
            return done(c, by, id, "unlocked", null);
        });
    }

    /** Records that {@code by} reviewed the entry of {@code id} (the yearly review). */
    public Operator review(String by, String id) throws Refused {
        return change(by, id, "review", () -> c -> {
            refuseIf(DutySeparation.change(by, id));
            active(c, id);
            OperatorRows.reviewed(c, id, now(), by);
            return done(c, by, id, "reviewed", null);
        });
    }

    /** Revokes {@code id} for good, with a reason; their password hash is erased and their sessions end. */
    public Operator revoke(String by, String id, String reason) throws Refused {
        return change(by, id, "revoke", () -> {
            if (reason == null || reason.isBlank() || reason.strip().length() > 200) {
                throw new Refused("O400", "a revocation needs a reason of at most 200 characters");
            }
            return c -> {
                refuseIf(DutySeparation.revoke(by, id));
                active(c, id);
                OperatorRows.revoke(c, id, now(), by, reason.strip());
                int ended = Sessions.endAll(c, id, Sessions.End.REVOKED, now());
                return done(c, by, id, "revoked; " + ended + " session(s) ended", reason.strip());
            };
        });
    }

    /** The operator {@code id}, if the register holds them (active or revoked). */
    public Optional<Operator> find(String id) {
        if (id == null || !Operator.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(Tx.run(ds, c -> {
            OperatorRows.Row row = OperatorRows.find(c, id, false);
            return row == null ? null : row.operator();
        }));
    }

    /** Every operator of the register, active and revoked, by ID. */
    public List<Operator> list() {
        return Tx.run(ds, OperatorRows::all);
    }

    /** The yearly review report as of now (the register's clock). */
    public ReviewReport reviewReport() {
        return reviewReport(now());
    }

    /**
     * The yearly review report as of {@code now}: active operators not reviewed for 12 months (or
     * since their issue) and those without a login for 90 days (or since their issue).
     */
    public ReviewReport reviewReport(Instant now) {
        Instant yearAgo = now.atZone(ZoneOffset.UTC).minusMonths(12).toInstant();
        Instant ninetyDaysAgo = now.atZone(ZoneOffset.UTC).minusDays(90).toInstant();
        List<Operator> notReviewed = new ArrayList<>();
        List<Operator> noLogin = new ArrayList<>();
        for (Operator o : list()) {
            if (!o.active()) {
                continue;
            }
            Instant reviewed = o.lastReviewedAt() == null ? o.issuedAt() : o.lastReviewedAt();
            Instant login = o.lastLoginAt() == null ? o.issuedAt() : o.lastLoginAt();
            if (!reviewed.isAfter(yearAgo)) {
                notReviewed.add(o);
            }
            if (!login.isAfter(ninetyDaysAgo)) {
                noLogin.add(o);
            }
        }
        return new ReviewReport(now, notReviewed, noLogin);
    }

    // ------------------------------------------------------------------ the shape of every change

    /** A change's checks before its transaction (no connection held: a password hash takes a while). */
    @FunctionalInterface
    private interface Prepared<T> {
        Tx.Work<T, Refused> prepare() throws Refused;
    }

    /**
     * Prepares the change, then runs it in one transaction with {@code by} checked to be an active
     * administrator; a refusal anywhere is audited ({@code action} refused: reason) and thrown.
     */
    private Operator change(String by, String subject, String action, Prepared<Operator> change) throws Refused {
        try {
            // first who asks (cheap), then the checks that may hash a password, then the change
            Tx.run(ds, c -> {
                requireAdministrator(c, by);
                return null;
            });
            Tx.Work<Operator, Refused> work = change.prepare();
            return Tx.run(ds, c -> {
                requireAdministrator(c, by);
                return work.run(c);
            });
        } catch (Refused r) {
            Tx.run(ds, c -> {
                OperatorAudit.append(c, OperatorAudit.draft(GatewayEvent.OPERATOR_REGISTER, by, subject, AuditStatus.REFUSED,
                        r.code(), action + " refused: " + r.reason()));
                return null;
            });
            throw r;
        }
    }

    private static Refused exists(String id) {
        return new Refused("O409", "operator " + id + " exists (an ID is never issued twice)");
    }

    private static void requireAdministrator(Connection c, String by) throws SQLException, Refused {
        OperatorRows.Row admin = by == null || !Operator.ID.matcher(by).matches() ? null : OperatorRows.find(c, by, false);
        if (admin == null || !admin.operator().active() || !admin.operator().roles().contains(Role.ADMINISTRATOR)) {
            throw new Refused("O403", "only an active administrator changes the operator register");
        }
    }

    /** The operator {@code id}, locked for the rest of the transaction; refused unless ACTIVE. */
    private static Operator active(Connection c, String id) throws SQLException, Refused {
        OperatorRows.Row row = id == null || !Operator.ID.matcher(id).matches() ? null : OperatorRows.find(c, id, true);
        if (row == null) {
            throw new Refused("O404", "no such operator");
        }
        if (!row.operator().active()) {
            throw new Refused("O409", "the operator is revoked (revocation is final)");
        }
        return row.operator();
    }

    /** Audits the change made and answers the operator as it is now. */
    private Operator done(Connection c, String by, String id, String detail, String reason) throws SQLException {
        AuditEvent.Draft d = OperatorAudit.draft(GatewayEvent.OPERATOR_REGISTER, by, id, AuditStatus.ALLOWED, DONE, detail);
        OperatorAudit.append(c, reason == null ? d : d.reason(reason));
        return OperatorRows.find(c, id, false).operator();
    }

    private Instant now() {
        return clock.instant();
    }

    private String hash(char[] password) throws Refused {
        try {
            return hasher.hash(password);
        } catch (PasswordHasher.Busy e) {
            throw new Refused("O503", "too many password hashes at once; try again in a moment");
        }
    }

    private static void refuseIf(Optional<String> why) throws Refused {
        if (why.isPresent()) {
            throw new Refused("O403", why.get());
        }
    }

    static String text(Set<Role> roles) {
        return roles.stream().sorted().map(Role::text).collect(Collectors.joining(", "));
    }

    private static String text(Role role) {
        return role == null ? "(none)" : role.text();
    }

    /** The roles named (any case), for the API and the command line; null for a name that is not a role. */
    public static Set<Role> roles(String... names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String n : names) {
            Role r = Role.of(n);
            if (r == null) {
                return null;
            }
            roles.add(r);
        }
        return roles;
    }
}

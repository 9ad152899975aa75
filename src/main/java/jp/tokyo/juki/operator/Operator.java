package jp.tokyo.juki.operator;

import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;
import jp.tokyo.juki.security.Identities;

/**
 * One operator as the register holds them (照合情報等管理簿): a personal ID (the {@code op-<ID>}
 * certificate's CN names it, {@link Identities#operator}), a display name, roles, the terminals they may log in from, and the
 * dates of issue, revocation, last review and last login. Never their password.
 *
 * @param lockedUntil until when wrong passwords lock them out, or null
 */
public record Operator(String id, String displayName, Set<Role> roles, Set<String> terminals, Status status,
                       Instant issuedAt, String issuedBy, Instant revokedAt, Instant lastReviewedAt, Instant lastLoginAt,
                       Instant lockedUntil) {
    /** An operator ID: 3 to 32 of lower-case letters, digits, dot, hyphen, underscore; first a letter or digit. */
    public static final Pattern ID = Pattern.compile(Identities.OPERATOR_ID);
    /** A terminal ID (代表端末・業務端末), e.g. a host name: lower-cased when stored. */
    public static final Pattern TERMINAL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** The longest display name. */
    public static final int NAME = 64;

    public Operator {
        roles = Set.copyOf(roles);
        terminals = Set.copyOf(terminals);
    }

    /** Whether wrong passwords keep this operator from logging in at {@code now}. */
    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** Whether the register lets this operator act: issued and not revoked. */
    public boolean active() {
        return status == Status.ACTIVE;
    }

    /** An operator is ACTIVE from issue until revoked; revocation is final (a new ID is issued instead). */
    public enum Status {
        ACTIVE, REVOKED
    }
}

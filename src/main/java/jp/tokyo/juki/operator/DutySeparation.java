package jp.tokyo.juki.operator;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Separation of duties in the operator register (issue 12 item 3; SPEC R-SEC-AUTHZ), as three rules:
 * <ol>
 * <li><b>No one acts on their own entry.</b> An administrator cannot grant or withdraw a role of
 *     their own, change their own terminals, reset their own password, unlock, review or revoke
 *     themselves: each would be approving their own act. (Their own password they change through
 *     the session, with the current one.)</li>
 * <li><b>An administrator does not audit.</b> {@link Role#ADMINISTRATOR} and {@link Role#AUDITOR} are
 *     never held together: the auditor reads the records of the administrators' acts, so one person
 *     holding both would audit themselves.</li>
 * <li><b>A maintainer sees no personal data.</b> {@link Role#MAINTAINER} is the contractor's role
 *     (委託業者には閲覧・更新権限を付与しない): it is never held together with a role that may
 *     take an action on personal data ({@link Permission#personalData()}), else the contractor would
 *     have them after all.</li>
 * </ol>
 * A pure function; the register asks it before every change and refuses with {@code O403}.
 */
public final class DutySeparation {
    private DutySeparation() {
    }

    /** Why {@code by} may not change the entry of {@code id}, or empty. Applies to every change of an existing entry. */
    public static Optional<String> change(String by, String id) {
        if (by != null && by.equals(id)) {
            return Optional.of("an administrator cannot change their own entry in the register");
        }
        return Optional.empty();
    }

    /** Why {@code by} may not grant {@code role} to {@code id}, who holds {@code held}, or empty. */
    public static Optional<String> grant(String by, String id, Set<Role> held, Role role) {
        Optional<String> self = change(by, id);
        if (self.isPresent()) {
            return Optional.of("an administrator cannot grant a role to themselves");
        }
        Set<Role> after = held.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(held);
        after.add(role);
        return roles(after);
    }

    /** Why {@code by} may not withdraw a role of {@code id}, or empty. */
    public static Optional<String> withdraw(String by, String id) {
        return change(by, id).map(s -> "an administrator cannot withdraw a role of their own");
    }

    /** Why {@code by} may not revoke {@code id}, or empty. */
    public static Optional<String> revoke(String by, String id) {
        return change(by, id).map(s -> "an administrator cannot revoke themselves");
    }

    /** Why one operator may not hold {@code roles} together, or empty. */
    public static Optional<String> roles(Set<Role> roles) {
        for (Role a : roles) {
            for (Role b : roles) {
                if (a.ordinal() < b.ordinal() && !compatible(a, b)) {
                    return Optional.of("roles " + a.text() + " and " + b.text() + " are never held together");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether one operator may hold both {@code a} and {@code b}. */
    public static boolean compatible(Role a, Role b) {
        if (a == b) {
            return true;
        }
        if (Set.of(a, b).equals(Set.of(Role.ADMINISTRATOR, Role.AUDITOR))) {
            return false;
        }
        if (a == Role.MAINTAINER) {
            return !seesPersonalData(b);
        }
        if (b == Role.MAINTAINER) {
            return !seesPersonalData(a);
        }
        return true;
    }

    private static boolean seesPersonalData(Role r) {
        for (Permission p : Permission.values()) {
            if (p.personalData() && p.roles().contains(r)) {
                return true;
            }
        }
        return false;
    }
}

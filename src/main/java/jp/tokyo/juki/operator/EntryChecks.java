package jp.tokyo.juki.operator;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.operator.OperatorRegister.Refused;

/** The checks of what an administrator (or the host, at bootstrap) enters into the register, before anything is stored. */
final class EntryChecks {
    /** the most terminals one operator may have */
    static final int TERMINALS = 32;

    private EntryChecks() {
    }

    /** A new operator's entry: ID, display name, roles (together), terminals and the initial password. */
    static void checkNew(PasswordPolicy policy, String id, String displayName, Set<Role> roles, Set<String> terminals,
                         char[] password) throws Refused {
        if (id == null || !Operator.ID.matcher(id).matches()) {
            throw new Refused("O400", "an operator ID has 3 to 32 of a-z, 0-9, '.', '-', '_' and begins with a letter or digit");
        }
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > Operator.NAME
                || !name.equals(AuditEvent.clean(name, Operator.NAME))) {
            throw new Refused("O400", "a display name has 1 to " + Operator.NAME + " printable characters");
        }
        if (roles == null || roles.isEmpty() || roles.stream().anyMatch(Objects::isNull)) {
            throw new Refused("O400", "an operator needs at least one role");
        }
        Optional<String> together = DutySeparation.roles(EnumSet.copyOf(roles));
        if (together.isPresent()) {
            throw new Refused("O403", together.get());
        }
        terminals(terminals);
        checkPassword(policy, password, id, name);
    }

    /** A password for operator {@code id} called {@code displayName} (null when not known), by the policy. */
    static void checkPassword(PasswordPolicy policy, char[] password, String id, String displayName) throws Refused {
        if (password == null) {
            throw new Refused("O400", "no password given");
        }
        Optional<PasswordPolicy.Refusal> no = policy.check(password, id, displayName);
        if (no.isPresent()) {
            throw new Refused("O400", "password refused (" + no.get().code() + "): " + no.get().reason());
        }
    }

    /** The terminals, lower-cased; at least one, at most {@link #TERMINALS}, each a {@link Operator#TERMINAL}. */
    static Set<String> terminals(Set<String> terminals) throws Refused {
        if (terminals == null || terminals.isEmpty()) {
            throw new Refused("O400", "an operator needs at least one terminal");
        }
        Set<String> t = new TreeSet<>();
        for (String s : terminals) {
            String lower = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
            if (!Operator.TERMINAL.matcher(lower).matches()) {
                throw new Refused("O400", "a terminal ID has 1 to 64 of a-z, 0-9, '.', '-', '_' (a host name)");
            }
            t.add(lower);
        }
        if (t.size() > TERMINALS) {
            throw new Refused("O400", "at most " + TERMINALS + " terminals per operator");
        }
        return t;
    }
}

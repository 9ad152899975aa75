package jp.tokyo.juki.operator;

import java.io.IOException;
import java.time.Clock;
import javax.sql.DataSource;
import jp.tokyo.juki.platform.GatewayConfig;

/**
 * The operator capability as one object for the composition root and the operator API: the
 * {@link OperatorRegister}, {@link Logins} and {@link Sessions}, built on the {@code juki_operator}
 * login's pool ({@link #ROLE}), one clock and the {@code juki.operator.*} settings.
 */
public final class Operators {
    /** The database login of the operator register (V15): schema operator, and appending to the audit chain. */
    public static final String ROLE = "juki_operator";

    private final OperatorRegister register;
    private final Logins logins;
    private final Sessions sessions;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;

    public Operators(DataSource ds, Clock clock, OperatorSettings.Values settings, PasswordPolicy policy) {
        this.policy = policy;
        this.hasher = PasswordHasher.of(settings);
        this.sessions = new Sessions(ds, clock, settings.idle(), settings.absolute());
        this.register = new OperatorRegister(ds, clock, hasher, policy);
        this.logins = new Logins(ds, clock, hasher, policy, settings.lockoutAttempts(), settings.lockout());
    }

    /**
     * The capability with the settings of {@code config} and the denylist it names.
     *
     * @param ds the pool of {@link #ROLE} ({@code EmbeddedDatabase.forRole(Operators.ROLE)})
     * @throws IOException the password denylist is missing
     */
    public static Operators create(DataSource ds, Clock clock, GatewayConfig config) throws IOException {
        OperatorSettings.Values settings = OperatorSettings.of(config);
        return new Operators(ds, clock, settings, PasswordPolicy.load(settings.denylist()));
    }

    public OperatorRegister register() {
        return register;
    }

    public Logins logins() {
        return logins;
    }

    public Sessions sessions() {
        return sessions;
    }

    public PasswordHasher hasher() {
        return hasher;
    }

    public PasswordPolicy policy() {
        return policy;
    }
}

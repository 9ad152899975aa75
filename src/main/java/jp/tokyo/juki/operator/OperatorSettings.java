package jp.tokyo.juki.operator;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;

/**
 * The operators' settings ({@code juki.operator.*}, issue 12): the operator API's port, the session
 * limits (the terminal lock after idle minutes, the absolute limit), the lockout after wrong
 * passwords, the cost of the Argon2id password hash and the password denylist.
 */
public final class OperatorSettings {
    // juki.operator.host and juki.operator.port: api.ApiSettings (the port is the API's transport)
    public static final Setting<Duration> IDLE = Setting.duration("juki.operator.idle-minutes", 10, ChronoUnit.MINUTES,
            "a session left idle this long ends (the terminal lock): the operator logs in again")
            .range(1, 60, "the assessment asks terminals to lock when left idle");
    public static final Setting<Duration> ABSOLUTE = Setting.duration("juki.operator.absolute-hours", 8, ChronoUnit.HOURS,
            "a session ends this long after its login, however busy").range(1, 24, "at most a day's work");
    public static final Setting<Integer> LOCKOUT_ATTEMPTS = Setting.positive("juki.operator.lockout-attempts", 5,
            "attempts", "this many wrong passwords in a row lock the operator out").range(1, 20, "guessing stays slow");
    public static final Setting<Duration> LOCKOUT = Setting.duration("juki.operator.lockout-minutes", 15,
            ChronoUnit.MINUTES, "how long a locked-out operator cannot log in (an administrator may unlock earlier)")
            .range(1, 1440, "at most a day");
    public static final Setting<Integer> ARGON2_MEMORY = Setting.positive("juki.operator.argon2-memory-kib", 65536, "KiB",
            "memory of one Argon2id password hash (m); a stored hash made with other parameters is redone at the next login")
            .range(8, 1048576, "Argon2 needs at least 8 KiB; more than 1 GiB per login would starve the gateway");
    public static final Setting<Integer> ARGON2_ITERATIONS = Setting.positive("juki.operator.argon2-iterations", 3, "",
            "passes of one Argon2id password hash (t)").range(1, 20, "about 0.12 s per pass at 64 MiB on this machine");
    public static final Setting<Integer> HASHES_AT_ONCE = Setting.positive("juki.operator.hashes-at-once", 1, "hashes",
            "password hashes computed at the same time (each takes its memory and one core); a login that waits more than "
                    + "2 seconds for its turn is refused (L503), so a flood of logins cannot starve the gateway")
            .range(1, 16, "each holds argon2-memory-kib");
    public static final Setting<Path> DENYLIST = Setting.file("juki.operator.password-denylist",
            "config/password-denylist.txt", "passwords refused (common passwords and words of this domain), one a line");

    private OperatorSettings() {
    }

    /** The settings as one value, read from {@code config}. */
    public static Values of(GatewayConfig config) {
        return new Values(config.get(IDLE), config.get(ABSOLUTE), config.get(LOCKOUT_ATTEMPTS), config.get(LOCKOUT),
                config.get(ARGON2_MEMORY), config.get(ARGON2_ITERATIONS), config.get(HASHES_AT_ONCE), config.get(DENYLIST));
    }

    /**
     * What the operator capability reads of its settings.
     *
     * @param idle             {@link #IDLE}
     * @param absolute         {@link #ABSOLUTE}
     * @param lockoutAttempts  {@link #LOCKOUT_ATTEMPTS}
     * @param lockout          {@link #LOCKOUT}
     * @param argon2MemoryKib  {@link #ARGON2_MEMORY}
     * @param argon2Iterations {@link #ARGON2_ITERATIONS}
     * @param hashesAtOnce     {@link #HASHES_AT_ONCE}
     * @param denylist         {@link #DENYLIST}
     */
    public record Values(Duration idle, Duration absolute, int lockoutAttempts, Duration lockout, int argon2MemoryKib,
                         int argon2Iterations, int hashesAtOnce, Path denylist) {
    }
}

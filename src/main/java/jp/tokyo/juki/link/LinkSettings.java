package jp.tokyo.juki.link;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;

/**
 * The {@code juki.link.*} settings (R-LINK), checked when the gateway starts: a hold longer than
 * {@link #LIMIT_DAYS} would break R-LINK (erased well under one year), so the gateway refuses to
 * start rather than run with it. Which business may use the My Number is not a setting: it is
 * config/agencies.yaml's ({@link MyNumberPermission}); the retired {@code juki.link.businesses}
 * stops the start.
 *
 * @param maxHoldDays how long a number may wait for its delivery's confirmation before the purge erases it
 * @param eraseWait   how long an erasure waits for older transactions to end before its VACUUM
 */
public record LinkSettings(int maxHoldDays, Duration eraseWait) {
    public static final int LIMIT_DAYS = 365;
    static final Pattern BUSINESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    public static final Setting<Integer> MAX_HOLD_DAYS = Setting.positive("juki.link.max-hold-days", 30, "days",
            "days a held number may wait for its delivery's confirmation before the purge erases it")
            .range(1, LIMIT_DAYS, "R-LINK: a held My Number is erased within a year");
    public static final Setting<Duration> PURGE_PERIOD = Setting.duration("juki.link.purge-period-ms", 600_000,
            ChronoUnit.MILLIS, "how often the purge looks for numbers held beyond the maximum");
    public static final Setting<Duration> REPORT_PERIOD = Setting.duration("juki.link.report-period-ms", 60_000,
            ChronoUnit.MILLIS, "how often the hold's figures are logged (only when not empty, or just changed)");
    public static final Setting<Duration> ERASE_WAIT = Setting.duration("juki.link.erase-wait-ms", 10_000,
            ChronoUnit.MILLIS, "how long an erasure waits for transactions older than it to end before its VACUUM");
    public static final Setting<Void> BUSINESSES = Setting.retired("juki.link.businesses",
            "the My Number permission has one source, config/agencies.yaml: set 'myNumber: true' on the agency's "
                    + "business there (and my_number among its items), then remove juki.link.businesses");

    public LinkSettings {
        checkMaxHoldDays(maxHoldDays);
    }

    static void checkMaxHoldDays(int days) {
        if (days < 1 || days > LIMIT_DAYS) {
            throw new IllegalArgumentException("configuration: juki.link.max-hold-days is " + days
                    + "; it must be 1 to " + LIMIT_DAYS + " (R-LINK: a held My Number is erased within a year)");
        }
    }

    /** The settings of {@code config}; refuses a configuration that still sets {@code juki.link.businesses}. */
    public static LinkSettings from(GatewayConfig config) {
        if (config.isPresent(BUSINESSES.key())) {
            throw new IllegalArgumentException("configuration: " + BUSINESSES.key() + " (" + config.source(BUSINESSES.key())
                    + ") is retired: " + BUSINESSES.description());
        }
        return new LinkSettings(config.get(MAX_HOLD_DAYS), config.get(ERASE_WAIT));
    }
}

package jp.tokyo.juki.stats;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;

/**
 * The statistics' settings ({@code juki.stats.*}, commented in config/application.properties).
 *
 * @param rollupEvery     how often the timer rolls the rows made since into the daily counts
 * @param settle          a mark is rolled up once it is this old (and every transaction older than the mark has ended)
 * @param consistencyDue  a municipality whose last consistency check is older than this is overdue
 */
public record StatisticsSettings(Duration rollupEvery, Duration settle, Duration consistencyDue) {
    /** The database login of the statistics (V17): schema stats, the counted columns of what it counts. */
    public static final String ROLE = "juki_stats";
    public static final Setting<Duration> ROLLUP = Setting.duration("juki.stats.rollup-ms", 30_000, ChronoUnit.MILLIS,
            "how often the rows made since are rolled into the daily counts the reports read");
    public static final Setting<Duration> SETTLE = Setting.duration("juki.stats.settle-ms", 5_000, ChronoUnit.MILLIS,
            "rows are counted once their sequence mark is this old and every transaction older than the mark has ended");
    public static final Setting<Integer> CONSISTENCY_OVERDUE_DAYS = Setting.positive("juki.stats.consistency-overdue-days",
            31, "days", "a municipality whose last consistency check (per store) is older than this is flagged overdue");

    /** The settings of {@code config}. */
    public static StatisticsSettings from(GatewayConfig config) {
        return new StatisticsSettings(config.get(ROLLUP), config.get(SETTLE),
                Duration.ofDays(config.get(CONSISTENCY_OVERDUE_DAYS)));
    }
}

package jp.tokyo.juki.national;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.Setting;

/**
 * The national servers and the delivery to them ({@code juki.national.*}, {@code juki.national-fuhyo.*}),
 * and the outbox relay that feeds the delivery ({@code juki.relay.*}). FUHYO_NOTICE delivery uses the
 * same page, timeout and retry settings as the national server.
 */
public final class NationalSettings {
    public static final Setting<String> HOST = Setting.text("juki.national.host", "localhost", "the national server");
    public static final Setting<Integer> PORT = Setting.port("juki.national.port", 7543, "the national server's port");
    public static final Setting<String> FUHYO_HOST = Setting.text("juki.national-fuhyo.host", "localhost",
            "the fuhyo national server");
    public static final Setting<Integer> FUHYO_PORT = Setting.port("juki.national-fuhyo.port", 7544,
            "the fuhyo national server's port");
    public static final Setting<Duration> TIMEOUT = Setting.duration("juki.national.timeout-ms", 10_000, ChronoUnit.MILLIS,
            "how long a page of notices may wait for its answers");
    public static final Setting<Duration> TAKEOVER_SETTLE = Setting.duration("juki.national.takeover-settle-ms", 1000,
            ChronoUnit.MILLIS, "after taking a national delivery lease: how long the queue must have had no other consumer "
                    + "before this node takes from it (what a closed consumer held is then back in the queue, in order)");
    public static final Setting<Integer> PAGE = Setting.positive("juki.national.page", 200, "notices",
            "notices sent pipelined per page (one JMS transaction, one round of answers)");
    public static final Setting<Duration> PERIOD = Setting.duration("juki.national.period-ms", 10, ChronoUnit.MILLIS,
            "how often the queue is looked at when idle");
    public static final Setting<Integer> MAX_REDELIVERIES = Setting.whole("juki.national.max-redeliveries", 20, "retries",
            "retries of a page before its notices are dead-lettered");
    public static final Setting<Duration> REDELIVERY_DELAY = Setting.duration("juki.national.redelivery-delay-ms", 500,
            ChronoUnit.MILLIS, "first back-off between retries (doubling)");
    public static final Setting<Duration> MAX_REDELIVERY_DELAY = Setting.duration("juki.national.max-redelivery-delay-ms",
            60_000, ChronoUnit.MILLIS, "longest back-off between retries");
    public static final Setting<Duration> QUERY_TIMEOUT = Setting.duration("juki.national.query-timeout-ms", 5000,
            ChronoUnit.MILLIS, "the longest a query (R-NQ) may take, connect included; then UNAVAILABLE");
    public static final Setting<Duration> RELAY_PERIOD = Setting.duration("juki.relay.period-ms", 20, ChronoUnit.MILLIS,
            "how often the outbox is looked at when idle; it is drained completely each time");
    public static final Setting<Integer> RELAY_PAGE = Setting.positive("juki.relay.page", 500, "rows",
            "outbox rows moved to the queue per transaction");

    private NationalSettings() {
    }
}

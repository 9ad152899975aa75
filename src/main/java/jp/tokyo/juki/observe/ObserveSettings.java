package jp.tokyo.juki.observe;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.Setting;

/** The health and metrics settings ({@code juki.observe.*}; docs/operations/observe.md). */
public final class ObserveSettings {
    public static final Setting<Duration> SAMPLE = Setting.duration("juki.observe.sample-ms", 5000, ChronoUnit.MILLIS,
            "how often outbox backlogs and queue depths are read for metrics and health");
    public static final Setting<Duration> NATIONAL_PROBE = Setting.duration("juki.observe.national-probe-ms", 30_000,
            ChronoUnit.MILLIS, "how often each national server is probed with a TLS handshake");
    public static final Setting<Duration> CERT_WARN = Setting.duration("juki.observe.cert-warn-days", 30, ChronoUnit.DAYS,
            "a certificate of the gateway or the CA expiring within this is a health warning");
    public static final Setting<Duration> CHECK_TIMEOUT = Setting.duration("juki.observe.check-timeout-ms", 2000,
            ChronoUnit.MILLIS, "the database and broker health checks give up after this: DOWN");
    public static final Setting<Integer> DIRECT_MEMORY_WARN = Setting.positive("juki.observe.direct-memory-warn-percent", 70,
            "percent", "direct memory (network buffers) above this share of its maximum is a warning");
    public static final Setting<Integer> DIRECT_MEMORY_DOWN = Setting.positive("juki.observe.direct-memory-down-percent", 90,
            "percent", "direct memory above this share of its maximum: not ready");

    private ObserveSettings() {
    }
}

package jp.tokyo.juki.audit;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.Setting;

/** The audit record's settings ({@code juki.audit.*}; R-AUD, docs/decisions.md §16). */
public final class AuditSettings {
    public static final Setting<Duration> CHECKPOINT = Setting.duration("juki.audit.checkpoint-seconds", 60,
            ChronoUnit.SECONDS, "at this interval, and when the gateway stops, the end of the chain is signed")
            .range(1, 3600, "at most an hour of records protected by the chain alone");
    public static final Setting<Boolean> HASH_CHAIN = Setting.flag("juki.audit.hash-chain", true,
            "false writes the audit without the chain: only to measure what the chain costs");
    public static final Setting<Duration> MAX_LAG = Setting.duration("juki.audit.max-lag-seconds", 60, ChronoUnit.SECONDS,
            "when the oldest audit record not yet written is older than this, readiness is DOWN and updates get E503");

    private AuditSettings() {
    }
}

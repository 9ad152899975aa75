package jp.tokyo.juki.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.GatewayConfig;
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
    public static final Setting<Boolean> REPLY_AFTER_BROKER = Setting.flag("juki.audit.reply-after-broker", false,
            "a CS reply waits until its audit records are committed on the broker (at most max-lag-seconds), so a node "
                    + "killed -9 loses no audit record of a request it answered");
    public static final Setting<String> EXPORT_DIR = Setting.text("juki.audit.export-dir", "",
            "where audit exports are written on the gateway's host; empty: audit-exports in juki.data.dir");

    private AuditSettings() {
    }

    /** The directory of the audit exports: {@link #EXPORT_DIR}, or {@code audit-exports} in the data directory. */
    public static Path exportDir(GatewayConfig config) {
        String dir = config.get(EXPORT_DIR);
        return dir == null || dir.isBlank() ? config.dataDir().resolve("audit-exports") : Path.of(dir.strip());
    }
}

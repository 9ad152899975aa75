package jp.tokyo.juki.consistency;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;

/**
 * The consistency check's settings ({@code juki.consistency.*}, commented in
 * config/application.properties).
 *
 * @param maxSessions          sessions open at once over all CS; a BEGIN beyond is answered E503
 * @param maxSessionsPerSender sessions one CS may hold at once
 * @param idleTimeout          a session without a request for this long is closed
 * @param readAhead            RECORDS chunks of one connection waiting to be staged before the
 *                             gateway stops reading that connection (TCP back-pressure)
 * @param frameMax             {@code juki.frame.max}: no reply may be larger
 * @param partBytes            largest result part, at most {@code frameMax}
 * @param workMem              PostgreSQL {@code work_mem} of a session's comparison (the sort of its staged records)
 * @param unloggedStaging      stage into UNLOGGED tables: no WAL, no replication; a database failover then
 *                             loses every open session (the CS begins again), a node failover does not
 */
public record Settings(int maxSessions, int maxSessionsPerSender, Duration idleTimeout, int readAhead, int frameMax,
                       int partBytes, String workMem, boolean unloggedStaging, Duration networkTimeout) {
    public static final Setting<Integer> MAX_SESSIONS = Setting.positive("juki.consistency.max-sessions", 4, "sessions",
            "sessions open at once over all CS and all gateway nodes; a BEGIN beyond: E503");
    public static final Setting<Integer> MAX_SESSIONS_PER_SENDER = Setting.positive("juki.consistency.max-sessions-per-sender",
            2, "sessions", "sessions one CS may hold at once");
    public static final Setting<Duration> IDLE_TIMEOUT = Setting.duration("juki.consistency.idle-timeout-s", 600,
            ChronoUnit.SECONDS, "a session without any request for this long is closed and its staged records dropped");
    public static final Setting<Duration> SWEEP = Setting.duration("juki.consistency.sweep-ms", 10_000, ChronoUnit.MILLIS,
            "how often sessions are looked at for expiry");
    public static final Setting<Integer> THREADS = Setting.positive("juki.consistency.threads", 2, "threads",
            "threads that check and stage chunks and compare results, shared by all sessions");
    public static final Setting<Integer> READ_AHEAD = Setting.positive("juki.consistency.read-ahead", 4, "chunks",
            "chunks of one connection waiting to be staged before the gateway stops reading it");
    public static final Setting<Integer> PART_BYTES = Setting.whole("juki.consistency.part-bytes", 0, "bytes",
            "largest result part (the reply frame); 0 = juki.frame.max");
    public static final Setting<String> WORK_MEM = Setting.size("juki.consistency.work-mem", "64MB",
            "PostgreSQL work_mem of one session (sorting its staged records)");
    public static final Setting<Boolean> UNLOGGED_STAGING = Setting.flag("juki.consistency.unlogged-staging", false,
            "stage the CS's records in UNLOGGED tables: faster, but a database failover drops every open session");
    public static final Setting<Void> TEMP_BUFFERS = Setting.retired("juki.consistency.temp-buffers",
            "sessions no longer use temporary tables (they live in the database's consistency schema, shared by every "
                    + "node); delete the key");

    public Settings {
        if (maxSessions < 1 || maxSessionsPerSender < 1 || readAhead < 1) {
            throw new IllegalArgumentException("juki.consistency: max-sessions, max-sessions-per-sender and read-ahead must be >= 1");
        }
        partBytes = partBytes <= 0 ? frameMax : Math.min(partBytes, frameMax);
        if (partBytes < 4096) {
            // a part must hold the envelope and at least a few entries
            throw new IllegalArgumentException("juki.consistency.part-bytes (or juki.frame.max) must be at least 4096");
        }
        if (!workMem.matches("\\d+\\s*[kMG]?B?")) {
            throw new IllegalArgumentException("juki.consistency.work-mem must be a PostgreSQL size, e.g. 64MB");
        }
    }

    /** The settings of {@code config}; {@code frameMax} is the CS line's largest frame. */
    public static Settings from(GatewayConfig config, int frameMax) {
        return new Settings(config.get(MAX_SESSIONS), config.get(MAX_SESSIONS_PER_SENDER), config.get(IDLE_TIMEOUT),
                config.get(READ_AHEAD), frameMax, config.get(PART_BYTES), config.get(WORK_MEM),
                config.get(UNLOGGED_STAGING), config.get(DatabaseSettings.NETWORK_TIMEOUT));
    }

    long partBudget(List<String> items) {
        return ResultLayout.budget(partBytes, items);
    }
}

package jp.tokyo.juki.consistency;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
 * @param workMem              PostgreSQL {@code work_mem} of a session (the sort of its staged records)
 * @param tempBuffers          PostgreSQL {@code temp_buffers} of a session (its temporary tables)
 */
public record Settings(int maxSessions, int maxSessionsPerSender, Duration idleTimeout, int readAhead, int frameMax,
                       int partBytes, String workMem, String tempBuffers) {
    public static final Setting<Integer> MAX_SESSIONS = Setting.positive("juki.consistency.max-sessions", 4, "sessions",
            "sessions open at once over all CS (each holds one database connection); a BEGIN beyond: E503");
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
    public static final Setting<String> TEMP_BUFFERS = Setting.size("juki.consistency.temp-buffers", "32MB",
            "PostgreSQL temp_buffers of one session (its temporary tables)");

    public Settings {
        if (maxSessions < 1 || maxSessionsPerSender < 1 || readAhead < 1) {
            throw new IllegalArgumentException("juki.consistency: max-sessions, max-sessions-per-sender and read-ahead must be >= 1");
        }
        partBytes = partBytes <= 0 ? frameMax : Math.min(partBytes, frameMax);
        if (partBytes < 4096) {
            // a part must hold the envelope and at least a few entries
            throw new IllegalArgumentException("juki.consistency.part-bytes (or juki.frame.max) must be at least 4096");
        }
        if (!workMem.matches("\\d+\\s*[kMG]?B?") || !tempBuffers.matches("\\d+\\s*[kMG]?B?")) {
            throw new IllegalArgumentException("juki.consistency: work-mem and temp-buffers must be PostgreSQL sizes, e.g. 64MB");
        }
    }

    /** The settings of {@code config}; {@code frameMax} is the CS line's largest frame. */
    public static Settings from(GatewayConfig config, int frameMax) {
        return new Settings(config.get(MAX_SESSIONS), config.get(MAX_SESSIONS_PER_SENDER), config.get(IDLE_TIMEOUT),
                config.get(READ_AHEAD), frameMax, config.get(PART_BYTES), config.get(WORK_MEM), config.get(TEMP_BUFFERS));
    }

    long partBudget(List<String> items) {
        return ResultLayout.budget(partBytes, items);
    }
}

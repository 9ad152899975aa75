package jp.tokyo.juki.consistency;

import java.time.Duration;
import java.util.List;

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

    long partBudget(List<String> items) {
        return ResultLayout.budget(partBytes, items);
    }
}

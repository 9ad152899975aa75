package jp.tokyo.juki.agency;

import java.io.IOException;
import java.time.Instant;

/**
 * The retry policy of a request file that failed (issue 15 review: no file is retried without end).
 * How often a file failed — of that, out of memory, with another {@link Error}, unreadable
 * with the content of {@code digest} — and when it may be tried again: 2, 4, 8 … s, at most
 * 10 minutes apart. {@code started} counts the attempts begun (issue 14: counted before the file is
 * processed, in {@link FileFailureTable}): one begun that never ended (its node died with it) counts
 * as a failure with an {@link Error}.
 */
record FileFailures(int count, int outOfMemory, int errors, int unreadable, String digest, Instant next, int started) {
    /** attempts of a file that ran out of memory before it is refused A130 */
    static final int OUT_OF_MEMORY_ATTEMPTS = 2;
    /** attempts of a file that failed with any other {@link Error} before it is refused A100 */
    static final int ERROR_ATTEMPTS = 3;
    /** attempts of an authentic file (the same digest) whose CSV reader failed, not as malformed, before it is refused A120 */
    static final int READ_ATTEMPTS = 3;

    enum Kind { OTHER, OUT_OF_MEMORY, ERROR, UNREADABLE }

    static FileFailures after(FileFailures before, Instant now, Kind kind, String digest) {
        int count = before == null ? 1 : before.count() + 1;
        int oom = (before == null ? 0 : before.outOfMemory()) + (kind == Kind.OUT_OF_MEMORY ? 1 : 0);
        int errors = (before == null ? 0 : before.errors()) + (kind == Kind.ERROR ? 1 : 0);
        int unreadable = before == null ? 0 : before.unreadable();
        String unreadableDigest = before == null ? null : before.digest();
        if (kind == Kind.UNREADABLE) {
            // counted for the same content only: a file replaced under the same name starts again
            unreadable = digest.equals(unreadableDigest) ? unreadable + 1 : 1;
            unreadableDigest = digest;
        }
        return new FileFailures(count, oom, errors, unreadable, unreadableDigest, now.plusSeconds(pause(count)),
                before == null ? 0 : before.started());
    }

    /** One more attempt begun: until it ends, the file is not tried again before the pause its number earns. */
    static FileFailures begun(FileFailures before, Instant now) {
        int started = (before == null ? 0 : before.started()) + 1;
        return before == null ? new FileFailures(0, 0, 0, 0, null, now.plusSeconds(pause(started)), started)
                : new FileFailures(before.count(), before.outOfMemory(), before.errors(), before.unreadable(),
                before.digest(), now.plusSeconds(pause(Math.max(started, before.count()))), started);
    }

    /** attempts begun that never ended (their node died, or stopped, while the file was processed) */
    int died() {
        return Math.max(0, started - count);
    }

    private static long pause(int attempts) {
        return Math.min(600, 1L << Math.min(attempts, 10));
    }

    /** Whether the file (its content {@code digest}) has failed often enough to be refused, and how; else null. */
    Refusal giveUp(String digest) {
        if (outOfMemory >= OUT_OF_MEMORY_ATTEMPTS) {
            return new Refusal(FileRefusal.A130, "it could not be answered within the gateway's memory ("
                    + OUT_OF_MEMORY_ATTEMPTS + " attempts ran out of memory)");
        }
        if (errors + died() >= ERROR_ATTEMPTS) {
            return new Refusal(FileRefusal.A100, "it could not be opened (" + ERROR_ATTEMPTS
                    + " attempts failed with an internal error" + (died() > 0 ? " or ended with their node" : "") + ")");
        }
        if (unreadable >= READ_ATTEMPTS && digest.equals(this.digest)) {
            return new Refusal(FileRefusal.A120, "it could not be read (" + READ_ATTEMPTS + " attempts failed)");
        }
        return null;
    }

    /** A refusal of a whole file. */
    record Refusal(FileRefusal why, String reason) {
    }

    /** An authentic file whose CSV reader failed otherwise than as {@link RequestCsv.Malformed}. */
    static final class Unreadable extends IOException {
        final String digest;

        Unreadable(String digest, Exception cause) {
            super("the request could not be read", cause);
            this.digest = digest;
        }
    }
}

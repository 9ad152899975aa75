package jp.tokyo.juki.wire;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all connections of a listener may hold in frames not yet complete, together (one
 * budget shared by every {@link FrameDecoder} of the listener). A connection whose next bytes
 * do not fit is closed rather than allowed to take the memory others need.
 */
public final class DecodeBudget {
    private final long max;
    private final AtomicLong used = new AtomicLong();

    public DecodeBudget(long max) {
        this.max = max;
    }

    /** Takes {@code bytes} of the budget, or nothing and false when they do not fit. */
    boolean reserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > max) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes held now in incomplete frames, by all connections. */
    public long used() {
        return used.get();
    }

    public long max() {
        return max;
    }
}

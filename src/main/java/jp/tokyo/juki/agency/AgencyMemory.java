package jp.tokyo.juki.agency;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.wire.AgencyFileFormat;

/**
 * The heap all agencies' files may use at once (issue 15 finding 6): one budget, shared. Before
 * a file is opened, what answering it can need at most ({@link #need}) is reserved; a file that
 * does not get its share waits its turn (first come, first served) instead of being read beside
 * the others. Files are read as streams, so what a file needs is its rows, which
 * {@link RequestCsv} counts against the share: a file whose rows would need more is refused
 * {@code A130}, never read on into an {@link OutOfMemoryError}.
 */
public final class AgencyMemory {
    /** streams' buffers (CMS, CSV, the answer's writer) and what a file needs besides its rows */
    static final long FIXED = 1L << 20;
    /** a row is at least nine commas and a line break */
    private static final int MIN_ROW_BYTES = 10;
    private static final int MAX_CELLS_COST = AgencyFileFormat.REQUEST_HEADER.size() * 48;

    private final long budget;
    private final Duration wait;
    /** in KiB: a Semaphore counts in int */
    private final Semaphore free;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong waited = new AtomicLong();

    /**
     * @param budgetBytes what all files together may use
     * @param wait        how long one poll waits for its share before it leaves the file for the next
     */
    public AgencyMemory(long budgetBytes, Duration wait) {
        if (budgetBytes < 16L << 20) {
            throw new IllegalArgumentException("an agency memory budget below 16 MiB cannot answer a file");
        }
        this.wait = wait;
        this.budget = Math.min(budgetBytes, (long) Integer.MAX_VALUE << 10);
        this.free = new Semaphore((int) (budget >> 10), true);
    }

    public long budget() {
        return budget;
    }

    /**
     * What answering a request file of {@code fileBytes} can need at most, up to the whole budget:
     * its text twice over (a Java string holds a character in two bytes at most), and for every
     * row it can hold the cost of a row ({@link RequestCsv#rowCost}).
     */
    public long need(long fileBytes, int maxRows) {
        long rows = Math.min(maxRows, fileBytes / MIN_ROW_BYTES + 1);
        long need = FIXED + 2 * fileBytes + rows * (RequestCsv.ROW_OVERHEAD + MAX_CELLS_COST);
        return Math.min(budget, need);
    }

    /** A share of the budget, given back when closed. */
    public final class Share implements AutoCloseable {
        private final int kib;
        private boolean closed;

        private Share(int kib) {
            this.kib = kib;
        }

        public long bytes() {
            return (long) kib << 10;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                free.release(kib);
            }
        }
    }

    /** Waits for {@code bytes} of the budget; null when they did not come free in time (try at a later poll). */
    public Share reserve(long bytes) throws InterruptedException {
        int kib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (Math.min(bytes, budget) + 1023) >> 10));
        if (!free.tryAcquire(kib, wait.toMillis(), TimeUnit.MILLISECONDS)) {
            waited.incrementAndGet();
            return null;
        }
        long inUse = budget - ((long) free.availablePermits() << 10);
        peak.accumulateAndGet(inUse, Math::max);
        return new Share(kib);
    }

    /** The most of the budget reserved at once so far. */
    public long peak() {
        return peak.get();
    }

    /** How often a file waited a whole poll for its share. */
    public long waits() {
        return waited.get();
    }
}

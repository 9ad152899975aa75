package jp.tokyo.juki.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store side of the comparison, read and digested on a thread and a connection of its own
 * while the merge reads the staged side: PostgreSQL's index scan of the store, the mapping of
 * its rows and their digests then run beside the sort output of the staged records and the
 * merge, instead of taking turns on one connection. Hands over batches of (住民票コード, item
 * digests) through a small bounded queue, so memory stays a few batches whatever the size.
 */
final class StoreReader<R> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreReader.class);
    private static final int BATCH = 1024;
    private static final int QUEUED_BATCHES = 8;

    /** Up to {@link #BATCH} persons in code order; {@code size == 0} marks the end. */
    static final class Batch {
        final long[] codes = new long[BATCH];
        final long[] digests;
        int size;
        SQLException failure;

        Batch(int items) {
            digests = new long[BATCH * items];
        }
    }

    private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final Thread thread;
    private volatile boolean cancelled;
    private Batch current;
    private int index;

    StoreReader(ConsistencySource<R> source, Sessions.Opener opener, String municipality, ItemDigest digest) {
        int items = source.items().size();
        thread = new Thread(() -> read(source, opener, municipality, digest.copy(), items), "consistency-store");
        thread.setDaemon(true);
        thread.start();
    }

    private void read(ConsistencySource<R> source, Sessions.Opener opener, String municipality, ItemDigest digest,
                      int items) {
        long[] out = new long[items];
        Batch batch = new Batch(items);
        try (Connection c = opener.open()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (ConsistencySource.Cursor<R> cursor = source.current(c, municipality)) {
                for (R r = cursor.next(); r != null && !cancelled; r = cursor.next()) {
                    batch.codes[batch.size] = Long.parseLong(source.juminhyoCode(r));
                    source.digest(r, digest, out);
                    System.arraycopy(out, 0, batch.digests, batch.size * items, items);
                    if (++batch.size == BATCH) {
                        put(batch);
                        batch = new Batch(items);
                    }
                }
            }
            c.commit();
            if (batch.size > 0) {
                put(batch);
            }
            put(new Batch(0));
        } catch (SQLException e) {
            Batch failed = new Batch(0);
            failed.failure = e;
            putQuietly(failed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("store side of a consistency check failed: {}", e.getClass().getName());
            Batch failed = new Batch(0);
            failed.failure = new SQLException("store side failed", e);
            putQuietly(failed);
        }
    }

    private void put(Batch b) throws InterruptedException {
        while (!cancelled) {
            if (queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    private void putQuietly(Batch b) {
        try {
            put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves to the next person; false at the end. */
    boolean next() throws SQLException {
        if (current != null && ++index < current.size) {
            return true;
        }
        try {
            current = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading the store");
        }
        index = 0;
        if (current.failure != null) {
            throw current.failure;
        }
        return current.size > 0;
    }

    long code() {
        return current.codes[index];
    }

    /** Item {@code i} of the current person's digests. */
    long digest(int i, int items) {
        return current.digests[index * items + i];
    }

    @Override
    public void close() {
        cancelled = true;
        queue.clear();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package jp.tokyo.juki.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: requests that arrive while a transaction is committing are gathered into the
 * next one, across connections, so one WAL flush serves many updates (DESIGN §4). There is no
 * artificial wait: a lone request is committed at once, and batches grow only under load.
 * Each request is answered by the batch processor, only after its commit. Several writers may
 * commit in parallel; each request goes to the writer of its partition (its connection), so
 * one connection's requests are applied in the order they arrived.
 */
public final class GroupCommit<T> extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private final String name;
    private final int writers;
    private final int maxBatch;
    private final Consumer<List<T>> processor;
    private final List<LinkedBlockingQueue<T>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    /**
     * Submitting holds it shared, stopping exclusively: no item is queued after a writer has seen
     * {@code running} false and its queue empty (it would never be committed nor answered).
     */
    private final ReadWriteLock stopLock = new ReentrantReadWriteLock();
    private long statBatches;
    private long statItems;
    private long statNanos;
    private long statMaxNanos;
    private long statSince = System.nanoTime();

    /**
     * @param writers transactions committing in parallel; requests with the same partition key
     *                always go to the same writer, which commits them in arrival order
     */
    public GroupCommit(String name, int writers, int maxBatch, Consumer<List<T>> processor) {
        this.name = name;
        this.writers = writers;
        this.maxBatch = maxBatch;
        this.processor = processor;
        for (int i = 0; i < writers; i++) {
            queues.add(new LinkedBlockingQueue<>());
        }
    }

    /** @param partition e.g. the connection: what shares a key is committed in submission order */
    public void submit(T item, int partition) {
        stopLock.readLock().lock();
        try {
            if (!running) {
                throw new IllegalStateException(name + " is not running");
            }
            queues.get(Math.floorMod(partition, writers)).add(item);
        } finally {
            stopLock.readLock().unlock();
        }
    }

    @Override
    protected void doStart() {
        running = true;
        for (int i = 0; i < writers; i++) {
            LinkedBlockingQueue<T> queue = queues.get(i);
            Thread t = new Thread(() -> loop(queue), name + "-writer-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        stopLock.writeLock().lock();
        try {
            running = false;
        } finally {
            stopLock.writeLock().unlock();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        threads.clear();
    }

    /** Logs batch sizes and commit times every minute (debug: every 10 s), for operators. */
    private synchronized void record(int items, long nanos) {
        statBatches++;
        statItems += items;
        statNanos += nanos;
        statMaxNanos = Math.max(statMaxNanos, nanos);
        long now = System.nanoTime();
        long every = LOG.isDebugEnabled() ? 10_000_000_000L : 60_000_000_000L;
        if (now - statSince >= every) {
            LOG.info("{}: {} transactions, {} requests, {} per transaction on average, {} ms average, {} ms longest",
                    name, statBatches, statItems, String.format("%.1f", (double) statItems / statBatches),
                    String.format("%.2f", statNanos / 1e6 / statBatches), String.format("%.1f", statMaxNanos / 1e6));
            statBatches = 0;
            statItems = 0;
            statNanos = 0;
            statMaxNanos = 0;
            statSince = now;
        }
    }

    private void loop(LinkedBlockingQueue<T> queue) {
        List<T> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                long t0 = System.nanoTime();
                processor.accept(batch);
                record(batch.size(), System.nanoTime() - t0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // the writer must survive anything a batch throws; the processor answers its requests
                LOG.error("{}: batch processor failed: {}", name, e.getClass().getName());
            } finally {
                batch.clear();
            }
        }
    }
}

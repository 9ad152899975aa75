package jp.tokyo.juki.consistency;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs one session's tasks one after the other, in submission order, on a pool shared by all
 * sessions; after each task the session goes to the back of the pool's queue, so a long
 * comparison of one session does not hold a thread that others' chunks are waiting for.
 */
final class SerialQueue {
    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialQueue(Executor pool) {
        this.pool = pool;
    }

    void submit(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            pool.execute(this::runOne);
        } catch (RejectedExecutionException e) {
            // the pool is shutting down: the remaining tasks answer at once (the session is closed by then)
            runOne();
        }
    }

    private void runOne() {
        Runnable task;
        synchronized (this) {
            task = tasks.poll();
        }
        try {
            if (task != null) {
                task.run();
            }
        } finally {
            boolean more;
            synchronized (this) {
                more = !tasks.isEmpty();
                scheduled = more;
            }
            if (more) {
                schedule();
            }
        }
    }
}

package jp.tokyo.juki.observe;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Warnings a peer can cause as often as it sends, logged as one line per subject and interval
 * with a count instead of a line (or a stack trace) each: a peer must not be able to turn its
 * frames into megabytes of log (issue 15: 50,000 frames then a close wrote 78.8 MB of log).
 * {@link #first} logs the first occurrence at once and sums up the rest at the end of the
 * interval; {@link #count} logs only the sum, one line per interval. Lines never carry more
 * than the caller's text, which must hold no personal data.
 */
public final class AggregatedLog {
    private static final ScheduledExecutorService TICK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "log-aggregate");
        t.setDaemon(true);
        return t;
    });

    private final Logger log;
    private final Duration interval;
    private final Map<Object, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final String subject;
        /** the first occurrence was logged on its own; the count is of those after it */
        final boolean afterFirst;
        long count;
        String last;

        Window(String subject, boolean afterFirst) {
            this.subject = subject;
            this.afterFirst = afterFirst;
        }
    }

    public AggregatedLog(Logger log, Duration interval) {
        this.log = log;
        this.interval = interval;
        TICK.scheduleWithFixedDelay(this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Logs {@code text} (and {@code cause}'s stack trace, if given) when it is the first of
     * {@code key} in this interval; otherwise counts it for the interval's summary line.
     */
    public void first(Object key, String subject, String text, Throwable cause) {
        boolean[] fresh = {false};
        windows.compute(key, (k, w) -> {
            if (w == null) {
                fresh[0] = true;
                return new Window(subject, true);
            }
            w.count++;
            w.last = text;
            return w;
        });
        if (fresh[0]) {
            if (cause == null) {
                log.warn("{}", text);
            } else {
                log.warn("{}", text, cause);
            }
        }
    }

    /** Counts {@code text} for {@code key}; one line per key and interval says how many there were. */
    public void count(Object key, String subject, String text) {
        windows.compute(key, (k, w) -> {
            Window window = w == null ? new Window(subject, false) : w;
            window.count++;
            window.last = text;
            return window;
        });
    }

    /** Writes the summary lines of the interval that ended (also called by the timer). */
    public void flush() {
        for (Object key : windows.keySet()) {
            Window[] ended = {null};
            windows.computeIfPresent(key, (k, w) -> {
                ended[0] = w;
                return null;
            });
            Window w = ended[0];
            if (w != null && w.count > 0) {
                log.warn("{}: {}{} in the last {} s (last: {})", w.subject, w.count, w.afterFirst ? " more" : "",
                        interval.toSeconds(), w.last);
            }
        }
    }
}

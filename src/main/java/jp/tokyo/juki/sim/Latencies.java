package jp.tokyo.juki.sim;

import java.util.Arrays;
import java.util.Locale;

/** Latency samples in microseconds with the time each request was sent, and their percentiles. Thread-safe. */
public final class Latencies {
    private long[] samples = new long[1024];
    private long[] sentAt = new long[1024];
    private int size;

    public void add(long micros) {
        add(micros, 0);
    }

    /** @param sentAtNanos when the request was sent, relative to the start of the run */
    public synchronized void add(long micros, long sentAtNanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
            sentAt = Arrays.copyOf(sentAt, size * 2);
        }
        samples[size] = micros;
        sentAt[size++] = sentAtNanos;
    }

    public synchronized int count() {
        return size;
    }

    /** The p-th percentile (0 < p ≤ 100) in milliseconds, or 0 without samples. */
    public synchronized double percentileMillis(double p) {
        return percentile(Arrays.copyOf(samples, size), p);
    }

    /** The p-th percentile of the requests sent in the second half of the run (steady state). */
    public synchronized double secondHalfPercentileMillis(double p) {
        long last = 0;
        for (int i = 0; i < size; i++) {
            last = Math.max(last, sentAt[i]);
        }
        long half = last / 2;
        long[] selected = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (sentAt[i] >= half) {
                selected[n++] = samples[i];
            }
        }
        return percentile(Arrays.copyOf(selected, n), p);
    }

    /**
     * The requests grouped by when they were sent, in windows of {@code seconds}: for each window its count, p50, p99
     * and maximum in milliseconds, one line each, so a reader sees whether the tail is at the start or spread out.
     */
    public synchronized String timeline(int seconds) {
        return timeline(seconds, Integer.MAX_VALUE);
    }

    /** As {@link #timeline(int)}, the first {@code most} windows only (the first seconds after a start, second by second). */
    public synchronized String timeline(int seconds, int most) {
        long width = seconds * 1_000_000_000L;
        long last = 0;
        for (int i = 0; i < size; i++) {
            last = Math.max(last, sentAt[i]);
        }
        int windows = (int) Math.min(most, last / width + 1);
        long[][] byWindow = new long[windows][];
        int[] counts = new int[windows];
        for (int i = 0; i < size; i++) {
            long w = sentAt[i] / width;
            if (w < windows) {
                counts[(int) w]++;
            }
        }
        for (int w = 0; w < windows; w++) {
            byWindow[w] = new long[counts[w]];
            counts[w] = 0;
        }
        for (int i = 0; i < size; i++) {
            long w = sentAt[i] / width;
            if (w < windows) {
                byWindow[(int) w][counts[(int) w]++] = samples[i];
            }
        }
        StringBuilder out = new StringBuilder();
        for (int w = 0; w < windows; w++) {
            long[] v = byWindow[w];
            out.append(String.format(Locale.ROOT, "  %4d-%-4d s %7d sent  p50 %8.2f  p99 %8.2f  max %8.2f ms%n",
                    w * seconds, (w + 1) * seconds, v.length, percentile(v.clone(), 50), percentile(v.clone(), 99),
                    percentile(v.clone(), 100)));
        }
        return out.toString();
    }

    private static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        Arrays.sort(values);
        int index = (int) Math.ceil(p / 100.0 * values.length) - 1;
        return values[Math.max(0, Math.min(values.length - 1, index))] / 1000.0;
    }
}

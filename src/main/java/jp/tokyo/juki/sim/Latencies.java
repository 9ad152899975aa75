package jp.tokyo.juki.sim;

import java.util.Arrays;

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

    private static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        Arrays.sort(values);
        int index = (int) Math.ceil(p / 100.0 * values.length) - 1;
        return values[Math.max(0, Math.min(values.length - 1, index))] / 1000.0;
    }
}

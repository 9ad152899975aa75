package jp.tokyo.juki.warmup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * During the rehearsal, asks the throwaway gateway's management port what a load balancer and a metrics scraper ask
 * the real one all day: {@code /observe/health/ready} four times a second and {@code /observe/metrics} once a second.
 *
 * <p>Why: that port's HTTP server shares Netty's buffer, pipeline and promise code with the CS line. Compiled while
 * only the CS line ran, that code was specialised to the CS line's classes, and the real gateway's first scrape threw
 * much of it away (JFR: ~100 "class_check" and "bimorphic" deoptimisations in Netty's code within 0.3 s of "ready",
 * docs/benchmarks.md, issue 16), so the first real updates ran it interpreted while it was compiled again.
 *
 * <p>A request that fails is counted and forgotten: the rehearsal never depends on it.
 */
final class ManagementProbe implements AutoCloseable {
    private static final Duration HEALTH_EVERY = Duration.ofMillis(250);
    private static final int METRICS_EVERY_NTH = 4;

    private final Thread thread;
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean running = true;

    private ManagementProbe(int port) {
        this.thread = new Thread(() -> loop(port), "warm-up-management-probe");
        thread.setDaemon(true);
    }

    /** Starts probing {@code 127.0.0.1:port}; with no port ("0", or not a number), does nothing. */
    static ManagementProbe start(String port) {
        int p;
        try {
            p = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            p = 0;
        }
        ManagementProbe probe = new ManagementProbe(p);
        if (p > 0) {
            probe.thread.start();
        }
        return probe;
    }

    /** Requests answered with any HTTP status so far. */
    long answered() {
        return answered.get();
    }

    private void loop(int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = URI.create("http://127.0.0.1:" + port + "/observe/health/ready");
        URI metrics = URI.create("http://127.0.0.1:" + port + "/observe/metrics");
        for (long tick = 0; running; tick++) {
            get(http, health);
            if (tick % METRICS_EVERY_NTH == 0) {
                get(http, metrics);
            }
            try {
                Thread.sleep(HEALTH_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void get(HttpClient http, URI uri) {
        try {
            http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            answered.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } catch (Exception e) {
            // not answered: the rehearsal goes on without it
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package jp.tokyo.juki.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's own Prometheus metrics (names in docs/operations/observe.md). Labels are only
 * ever message types, reply codes, municipality codes taken from authenticated certificates,
 * store, queue and server names: bounded sets that carry no personal data (R-SEC-PII).
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    /** The registry Camel's metrics share (bound as {@code metricsRegistry}). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * One request answered on the CS line.
     *
     * @param municipality the code in the peer's certificate ({@code null}: unauthenticated)
     * @param type         the message type, or {@code REFUSED} when the envelope was refused
     * @param status       the reply status (ACK, DUPLICATE, NACK)
     * @param code         the reply code (I000, E100 …)
     */
    public void csReply(String municipality, String type, String status, String code) {
        String m = municipality == null ? "none" : municipality;
        Counter.builder("juki_cs_messages_in").description("Requests received on the CS line, by message type")
                .tag("type", type == null ? "none" : type).tag("municipality", m).register(registry).increment();
        Counter.builder("juki_cs_replies").description("Replies sent on the CS line, by status and reply code")
                .tag("status", status == null ? "none" : status).tag("code", code == null ? "none" : code)
                .tag("municipality", m).register(registry).increment();
    }

    /** The store's group-commit processor, recording how many requests each transaction took. */
    public <T> Consumer<List<T>> countingBatches(String store, Consumer<List<T>> processor) {
        DistributionSummary sizes = DistributionSummary.builder("juki_batch_size")
                .description("Update requests committed in one group-commit transaction").tag("store", store)
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200).register(registry);
        Timer commit = Timer.builder("juki_batch_commit").description("Time to apply and commit one group-commit transaction")
                .tag("store", store).register(registry);
        return batch -> {
            sizes.record(batch.size());
            commit.record(() -> processor.accept(batch));
        };
    }

    /**
     * One tick of a national delivery: the time of each page the national server took (send,
     * all answers, commit) is the national round-trip time.
     */
    public IntSupplier timedPages(String server, IntSupplier deliverPage) {
        Timer pages = Timer.builder("juki_national_page_round_trip").description(
                "Time to deliver one page of notices to a national server and have every notice answered")
                .tag("server", server).publishPercentiles(0.5, 0.99).register(registry);
        Counter delivered = Counter.builder("juki_national_notices_delivered")
                .description("Notices the national server took (ACK or DUPLICATE)").tag("server", server).register(registry);
        return () -> {
            long t0 = System.nanoTime();
            int n = deliverPage.getAsInt();
            if (n > 0) {
                pages.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                delivered.increment(n);
            }
            return n;
        };
    }

    /** A gauge whose value the sampler sets (database and broker figures are not read on scrape). */
    public AtomicLong sampled(String name, String description, String tagKey, String tagValue) {
        return gauges.computeIfAbsent(name + "|" + tagKey + "=" + tagValue, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).tag(tagKey, tagValue).register(registry);
            return value;
        });
    }

    /** A gauge read from a live object on each scrape (in-memory figures only). */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    /** A monotonic count kept by a bean (e.g. audit records written). */
    public <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    /** The text the management port serves at /observe/metrics. */
    public String scrape() {
        return registry.scrape();
    }
}

package jp.tokyo.juki.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * The gateway at a glance, for an operator's status page ({@code POST /api/status}, the console's
 * status page): health and readiness, each check with its state and message, and the figures that
 * matter most — how far the audit is behind, dead letters per queue, CS connections per
 * municipality. Taken from what is already computed: the health checks of the management port's
 * {@code /observe/health} (run once per call) and the gauges of {@code /observe/metrics}
 * (docs/operations/observe.md). Nothing in it is personal data.
 *
 * @param ready         every readiness check is UP (the management port's {@code /observe/health/ready})
 * @param up            no check is DOWN
 * @param checks        the gateway's checks ({@code juki-*}) and any of Camel's own that is not UP, by name
 * @param auditLagSeconds age of the oldest audit record not yet written
 * @param auditPending  audit records tapped and not yet on the audit queue
 * @param deadLetters   messages per dead-letter queue ({@code DLQ.*}), as last sampled
 * @param csConnections open CS connections per municipality code
 */
public record GatewayStatus(Instant at, boolean ready, boolean up, List<Check> checks, double auditLagSeconds,
                            long auditPending, Map<String, Long> deadLetters, Map<String, Long> csConnections) {

    /** One health check: its name, state (UP, DOWN, UNKNOWN), whether it is a readiness check, and what it says. */
    public record Check(String name, String state, boolean readiness, String message) {
    }

    public GatewayStatus {
        checks = List.copyOf(checks);
        deadLetters = Map.copyOf(deadLetters);
        csConnections = Map.copyOf(csConnections);
    }

    /** Dead letters on all queues. */
    public long deadLettersTotal() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Open CS connections in all. */
    public long csConnectionsTotal() {
        return csConnections.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Runs the health checks of {@code context} and reads the gauges of {@code metrics} (null while
     * the gateway has none: figures 0).
     */
    public static GatewayStatus read(CamelContext context, MeterRegistry metrics) {
        // every check's result, as /observe/health?exposureLevel=full (the default level keeps only those not UP)
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(context, check -> Map.of(), check -> false, "full");
        List<HealthCheck.Result> readiness = results.stream().filter(r -> r.getCheck().isReadiness()).toList();
        List<Check> checks = new ArrayList<>();
        for (HealthCheck.Result r : results) {
            String name = r.getCheck().getId();
            // Camel's own route and consumer checks are listed only when not UP, as ./gateway status does
            if (!name.startsWith("juki-") && r.getState() == HealthCheck.State.UP) {
                continue;
            }
            checks.add(new Check(name, r.getState().name(), r.getCheck().isReadiness(), describe(name, r)));
        }
        checks.sort(Comparator.comparing(Check::name));
        return new GatewayStatus(Instant.now(), HealthCheckHelper.isResultsUp(readiness, true),
                HealthCheckHelper.isResultsUp(results, false), checks, gauge(metrics, "juki_audit_lag_seconds"),
                (long) gauge(metrics, "juki_audit_pending"), byTag(metrics, "juki_queue_depth", "queue", "DLQ."),
                byTag(metrics, "juki_cs_connections", "municipality", ""));
    }

    /** The check's message, and for the certificates and the CRL their figures. */
    private static String describe(String name, HealthCheck.Result r) {
        StringBuilder sb = new StringBuilder(r.getMessage().orElse(""));
        Map<String, Object> details = new TreeMap<>(r.getDetails());
        if (name.equals("juki-certificates")) {
            details.forEach((key, value) -> {
                if (key.endsWith(".days-left")) {
                    sb.append(sb.isEmpty() ? "" : "; ").append(key, 0, key.length() - ".days-left".length()).append(' ')
                            .append(value).append(" days left");
                }
            });
        } else if (name.equals("juki-crl") && details.containsKey("age-hours")) {
            sb.append(sb.isEmpty() ? "" : "; ").append("issued ").append(details.get("age-hours"))
                    .append(" h ago, next update in ").append(details.getOrDefault("next-update-hours", "?")).append(" h");
        }
        return sb.toString();
    }

    private static double gauge(MeterRegistry metrics, String name) {
        if (metrics == null) {
            return 0;
        }
        Gauge g = metrics.find(name).gauge();
        return g == null || Double.isNaN(g.value()) ? 0 : g.value();
    }

    private static Map<String, Long> byTag(MeterRegistry metrics, String name, String tag, String prefix) {
        Map<String, Long> values = new TreeMap<>();
        if (metrics == null) {
            return values;
        }
        for (Gauge g : metrics.find(name).gauges()) {
            String key = g.getId().getTag(tag);
            if (key != null && key.startsWith(prefix)) {
                values.merge(key, (long) g.value(), Long::sum);
            }
        }
        return values;
    }
}

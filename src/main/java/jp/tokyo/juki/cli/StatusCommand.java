package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import jp.tokyo.juki.observe.PrometheusText;
import jp.tokyo.juki.platform.ClusterNodes;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.wire.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway status}: one screen on the running gateway, read from its management port
 * (camel.management.host/port of the configuration): ready or not and why, CS connections per
 * municipality, requests per second by type over the last interval, outbox backlog, queue and
 * dead-letter depths, national servers, certificate days left, CRL age. Exit 0 when ready, 1 when
 * not ready, 2 when the management port does not answer.
 *
 * <p>{@code --all}: every node of this gateway instead ({@code cluster.node} in its database, reached as
 * every operator tool reaches it: {@code juki.db.url} from the environment or the configuration, else the
 * embedded database of the local data directory), alive or down, and the readiness of each alive one from
 * its management port. Exit 0 when every alive node is ready and one is, 1 otherwise, 2 when the database
 * cannot be reached.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "One-screen summary of the running gateway, from its management port (health and metrics).")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RunningGatewayOptions gateway;
    @Option(names = "--interval", defaultValue = "1", description = "Seconds between the two scrapes the rates are taken over (default 1).")
    double interval;
    @Option(names = "--all", description = "Every node of this gateway (cluster.node in its database) and which are alive and ready.")
    boolean all;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Override
    public Integer call() throws Exception {
        if (interval <= 0) {
            spec.commandLine().getErr().println("--interval must be more than 0 seconds");
            return 2;
        }
        GatewayConfig cfg = gateway.config();
        if (all) {
            return allNodes(cfg);
        }
        String host = cfg.get("camel.management.host", "127.0.0.1");
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        String base = "http://" + host + ":" + cfg.get("camel.management.port", "9876");
        PrintWriter out = spec.commandLine().getOut();
        HttpResponse<String> ready;
        HttpResponse<String> health;
        PrometheusText first;
        PrometheusText second;
        try {
            ready = get(base + "/observe/health/ready");
            health = get(base + "/observe/health?exposureLevel=full&data=true");
            first = PrometheusText.parse(get(base + "/observe/metrics").body());
            Thread.sleep((long) (interval * 1000));
            second = PrometheusText.parse(get(base + "/observe/metrics").body());
        } catch (IOException e) {
            spec.commandLine().getErr().println("no gateway answers on " + base + " (" + e.getClass().getSimpleName()
                    + "); is it running with this configuration?");
            return 2;
        }
        boolean isReady = ready.statusCode() == 200;
        JsonNode checks;
        try {
            checks = Json.MAPPER.readTree(health.body()).path("checks");
        } catch (IOException e) {
            // Camel writes check messages into its JSON unescaped: one with a quote breaks it
            checks = Json.MAPPER.createArrayNode();
            out.println("(health details not readable as JSON)");
        }
        out.printf("juki-gateway at %s: %s, health %s%n", base, isReady ? "READY" : "NOT READY",
                health.statusCode() == 200 ? "UP" : "DOWN");
        for (JsonNode c : checks) {
            String name = c.path("name").asText();
            String state = c.path("status").asText();
            // Camel's own route and consumer checks are listed only when not UP
            if (!name.startsWith("juki-") && state.equals("UP")) {
                continue;
            }
            out.printf("  %-24s %-5s %s%n", name, state, describe(name, c));
        }
        out.println("CS connections by municipality: " + join(group(second, "juki_cs_connections", s -> s.label("municipality")), "%.0f"));
        Map<String, Double> before = group(first, "juki_cs_messages_in_total", s -> s.label("type"));
        Map<String, Double> after = group(second, "juki_cs_messages_in_total", s -> s.label("type"));
        Map<String, Double> rates = new TreeMap<>();
        after.forEach((type, n) -> rates.put(type, (n - before.getOrDefault(type, 0.0)) / interval));
        out.println("requests per second (last " + interval + " s): " + join(rates, "%.1f"));
        out.println("requests since start:           " + join(after, "%.0f"));
        out.println("replies since start:            " + join(group(second, "juki_cs_replies_total",
                s -> s.label("status") + "/" + s.label("code")), "%.0f"));
        out.println("outbox backlog:                 " + join(group(second, "juki_outbox_backlog", s -> s.label("store")), "%.0f"));
        out.println("queue depths:                   " + join(group(second, "juki_queue_depth", s -> s.label("queue")), "%.0f"));
        out.println("national notices delivered:     " + join(group(second, "juki_national_notices_delivered_total", s -> s.label("server")), "%.0f"));
        out.printf("audit: %.0f pending, %.0f written%n", second.sum("juki_audit_pending", s -> true),
                second.sum("juki_audit_written_total", s -> true));
        out.flush();
        return isReady ? 0 : 1;
    }

    /** {@code --all}: one line per node recorded in the database. */
    private int allNodes(GatewayConfig cfg) throws InterruptedException {
        List<ClusterNodes.Node> nodes;
        try (Connection c = RunningGatewayOptions.connect(cfg)) {
            nodes = ClusterNodes.list(c);
        } catch (IOException | SQLException e) {
            spec.commandLine().getErr().println("the gateway's database cannot be reached (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); set juki.db.url (environment JUKI_DB_URL) or run on a node's host");
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %-6s %-9s %-24s %-10s %6s %6s %6s  %-20s %-20s%n", "node", "state", "ready", "host", "version",
                "cs", "api", "mgmt", "started", "last seen");
        int alive = 0;
        int ready = 0;
        for (ClusterNodes.Node n : nodes) {
            String readiness = "-";
            if (n.alive()) {
                alive++;
                try {
                    // a node on this host is asked on loopback, where the management port listens by default
                    String at = n.host().equals(localHost()) ? "127.0.0.1" : n.host();
                    boolean up = get("http://" + at + ":" + n.managementPort() + "/observe/health/ready").statusCode() == 200;
                    readiness = up ? "READY" : "NOT READY";
                    ready += up ? 1 : 0;
                } catch (IOException e) {
                    readiness = "no answer";
                }
            }
            out.printf("%-20s %-6s %-9s %-24s %-10s %6d %6d %6d  %-20s %-20s%n", n.id(), n.alive() ? "alive" : "down",
                    readiness, n.host(), n.version(), n.csPort(), n.apiPort(), n.managementPort(),
                    n.startedAt().toString().substring(0, 19), n.seenAt().toString().substring(0, 19));
        }
        out.printf("%d node(s), %d alive, %d ready%n", nodes.size(), alive, ready);
        out.flush();
        return alive > 0 && ready == alive ? 0 : 1;
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The check's message, and for certificates and the CRL their figures. */
    private static String describe(String name, JsonNode c) {
        StringBuilder sb = new StringBuilder(c.path("message").asText(""));
        JsonNode data = c.path("data");
        if (name.equals("juki-certificates")) {
            data.fields().forEachRemaining(e -> {
                if (e.getKey().endsWith(".days-left")) {
                    sb.append(sb.isEmpty() ? "" : "; ").append(e.getKey().replace(".days-left", "")).append(' ')
                            .append(e.getValue().asText()).append(" days left");
                }
            });
        } else if (name.equals("juki-crl") && data.has("age-hours")) {
            sb.append(sb.isEmpty() ? "" : "; ").append("issued ").append(data.path("age-hours").asText())
                    .append(" h ago, next update in ").append(data.path("next-update-hours").asText("?")).append(" h");
        }
        return sb.toString();
    }

    private static Map<String, Double> group(PrometheusText text, String metric, Function<PrometheusText.Sample, String> key) {
        Map<String, Double> sums = new TreeMap<>();
        for (PrometheusText.Sample s : text.named(metric)) {
            sums.merge(key.apply(s), s.value(), Double::sum);
        }
        return sums;
    }

    private static String join(Map<String, Double> values, String format) {
        if (values.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format(format, v)));
        return sb.toString();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

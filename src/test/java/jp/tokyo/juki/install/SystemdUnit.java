package jp.tokyo.juki.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.platform.ConfigKeys;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.store.StoreSettings;

/**
 * The systemd unit of the distribution ({@code src/dist/systemd/juki-gateway.service}) read as
 * systemd reads its {@code [Service]} section, and the worst case of the gateway's stop it must wait for.
 */
final class SystemdUnit {
    static final Path FILE = Path.of("src/dist/systemd/juki-gateway.service");
    static final Path ENVIRONMENT_FILE = Path.of("src/dist/systemd/juki-gateway.env");

    private final Map<String, List<String>> service;

    private SystemdUnit(Map<String, List<String>> service) {
        this.service = service;
    }

    static SystemdUnit read() throws IOException {
        Map<String, List<String>> service = new LinkedHashMap<>();
        String section = "";
        for (String raw : Files.readAllLines(FILE, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                section = line;
                continue;
            }
            int eq = line.indexOf('=');
            if (section.equals("[Service]") && eq > 0) {
                service.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(line.substring(eq + 1).strip());
            }
        }
        return new SystemdUnit(service);
    }

    /** The last value of a {@code [Service]} key (systemd: the last assignment wins), or null. */
    String get(String key) {
        List<String> values = service.get(key);
        return values == null ? null : values.get(values.size() - 1);
    }

    /**
     * The variables of every {@code Environment=} line: assignments separated by spaces, each may be
     * quoted as a whole ({@code "JAVA_OPTS=-Xmx1g -D…"}).
     */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : service.getOrDefault("Environment", List.of())) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            for (char c : line.toCharArray()) {
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == ' ' && !quoted) {
                    if (!word.isEmpty()) {
                        words.add(word.toString());
                    }
                    word.setLength(0);
                } else {
                    word.append(c);
                }
            }
            if (!word.isEmpty()) {
                words.add(word.toString());
            }
            for (String w : words) {
                int eq = w.indexOf('=');
                env.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return env;
    }

    /** {@code TimeoutStopSec} in seconds (plain seconds, as the unit writes it). */
    long timeoutStopSeconds() {
        return Long.parseLong(get("TimeoutStopSec"));
    }

    /**
     * The longest a SIGTERM'd gateway may take to stop if every step of {@code Gateway.close()} waits
     * its full limit, in seconds. Two of them are settings (read from {@code config}); the others are
     * fixed in code, named here where they are.
     */
    static long drainWorstCaseSeconds(GatewayConfig config) {
        int writers = config.get(StoreSettings.WRITERS);
        long camelShutdown = config.get(ConfigKeys.SHUTDOWN_TIMEOUT);
        return 2 * writers * 30L    // store.GroupCommit.doStop: each writer of honnin and fuhyo joined ≤30 s
                + 10                // assembly.Gateway.finishUpdatesInFlight: the CS route writes its answers
                + camelShutdown     // the routes (camel.main.shutdown-timeout)
                + 15 + 15           // audit.AuditTap.doStop: mover, then publisher
                + 2 * 15            // audit.AuditWriter.doStop: its two writer threads
                + 10                // audit.AuditCheckpoints.doStop
                + 5                 // observe.ObserveSampler.doStop
                + 3 * 10            // consistency.Sessions.close: three executors
                + 5;                // zonky EmbeddedPostgres.close: pg_ctl stop -m fast -t 5
    }

    /** The configuration as shipped, without this JVM's environment. */
    static GatewayConfig shippedConfig() throws IOException {
        return GatewayConfig.load(Path.of("config/application.properties"), Map.of(), Map.of());
    }
}

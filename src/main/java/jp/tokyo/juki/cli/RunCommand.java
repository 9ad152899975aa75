package jp.tokyo.juki.cli;

import jp.tokyo.juki.assembly.Gateway;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.ThreadPriorities;
import jp.tokyo.juki.warmup.Rehearsal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gateway run}: the gateway on the configured (by default embedded) database and broker. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the gateway until SIGTERM. Embedded PostgreSQL and Artemis unless configured otherwise.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "config/application.properties", description = "Configuration file.")
    Path config;
    @Option(names = "--data", description = "Data directory of the embedded database and broker (default: data).")
    String data;
    @Option(names = "--port", description = "CS listener port (default: 7443).")
    Integer port;
    @Option(names = "--national-host", description = "National server host (default: localhost).")
    String nationalHost;
    @Option(names = "--national-port", description = "National server port (default: 7543).")
    Integer nationalPort;
    @Option(names = "--keystores", description = "Key directory (default: keystores).")
    String keystores;
    @Option(names = "--set", description = "Any configuration key, e.g. --set juki.db.url=jdbc:postgresql://…")
    Map<String, String> set = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>(set);
        put(overrides, "juki.data.dir", data);
        put(overrides, "juki.cs.port", port);
        put(overrides, "juki.national.host", nationalHost);
        put(overrides, "juki.national.port", nationalPort);
        put(overrides, "juki.keystores.dir", keystores);
        GatewayConfig settings = GatewayConfig.load(config, overrides);
        // signals first: a SIGTERM during the start is acted on once it is done, never by the JVM's shutdown hooks
        Gateway gateway = new Gateway(settings).stopOnSignal();
        // everything but the CS listener first, then the warm-up (juki.warmup.seconds: the JIT compiles the hot paths
        // on a throwaway gateway beside this one), then the listener: the start's own code paths ran before the
        // rehearsal, so the code compiled under its load is not thrown away by them (decision 34)
        gateway.startWithCsListenerClosed();
        Rehearsal.run(config, settings, gateway::stopping);
        // from here the broker's, the audit's and the JIT's threads yield to the CS replies' on busy cores (decision 42);
        // not during the warm-up, whose point is that the JIT compiles as fast as it can
        ThreadPriorities.start(settings);
        if (!gateway.stopping()) { // a SIGTERM during the warm-up ends it and the start
            gateway.openCsListener();
        }
        gateway.runUntilStopped();
        return 0;
    }

    private static void put(Map<String, String> map, String key, Object value) {
        if (value != null) {
            map.put(key, value.toString());
        }
    }
}

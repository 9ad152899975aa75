package jp.tokyo.juki.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.agency.DropFolderServer;
import jp.tokyo.juki.assembly.DevIdentities;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.CsSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway bench nodes}: update throughput through HAProxy with one gateway node and with two, in
 * the same run, on the same several-node deployment ({@link HaCluster}: PostgreSQL primary + synchronous
 * standby, Artemis replication pair, nodes on loopback), and their ratio. On a small machine every part
 * shares the same cores: the ratio says what a second node adds here, not what it adds on its own server.
 */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "HONNIN_UPDATE throughput through HAProxy with one gateway node, then two, and their ratio "
                + "(PostgreSQL primary + synchronous standby and an Artemis replication pair behind both; needs haproxy).")
final class NodesBench implements Callable<Integer> {
    @Option(names = "--count", defaultValue = "30000", description = "Updates measured per run (default: ${DEFAULT-VALUE}).")
    int count;
    @Option(names = "--warmup", defaultValue = "10000", description = "Updates sent first, not measured (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--connections", defaultValue = "8", description = "CS connections (default: ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--municipality", defaultValue = "131121", description = "Sending CS (default: ${DEFAULT-VALUE}, 世田谷区).")
    String municipality;
    @Option(names = "--data", defaultValue = "data/bench-nodes", description = "Data directory, emptied first.")
    Path data;
    @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
    Path keystores;

    @Override
    public Integer call() throws Exception {
        if (!HaProxy.installed()) {
            System.err.println("bench nodes needs haproxy (apt-get install haproxy)");
            return 2;
        }
        Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
        new DevPki(keystores, "juki-dev".toCharArray()).init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
        DemoCommand.deleteTree(data);
        Files.createDirectories(data);
        // the secrets a node of several never makes: made here as a single node makes them on its first start
        PersonHasher.fromKeyFile(keystores.resolve("audit-hmac.key"));
        if (!Files.exists(keystores.resolve("sftp-host.key"))) {
            Path root = data.resolve("sftp-key");
            DropFolderServer.start("127.0.0.1", 0, root, keystores.resolve("sftp-host.key"), Map.of()).close();
            DemoCommand.deleteTree(root);
        }
        KeyMaterial keys = new KeyMaterial(keystores, "juki-dev".toCharArray(), Duration.ofSeconds(5));
        SSLContext csTls = keys.sslContext(Identities.cs(municipality), Identities.exactly(Identities.GATEWAY), "cs-sim");
        List<Double> rates = new ArrayList<>();
        boolean ok = true;
        for (int nodes = 1; nodes <= 2; nodes++) {
            try (HaCluster cluster = HaCluster.start(new HaCluster.Options(data.resolve(nodes + "-node"), nodes, false,
                    keystores, "juki-dev",
                    keys.sslContext(Identities.NATIONAL, Identities.exactly(Identities.GATEWAY), "national-sim"),
                    keys.sslContext(Identities.NATIONAL_FUHYO, Identities.exactly(Identities.GATEWAY), "national-fuhyo-sim"),
                    System.getProperty("java.class.path"), List.of()))) {
                if (warmup > 0) {
                    CsSimulator.Result w = new CsSimulator(csTls, new CsSimulator.Options("127.0.0.1", cluster.frontPort(),
                            municipality, tokyo.name(municipality), warmup, 0, connections, false, 7)).run();
                    System.out.printf("%d node(s) warm-up: %d updates, %.0f ACK/s (not counted)%n", nodes, w.acked(), w.ackRate());
                }
                CsSimulator.Result r = new CsSimulator(csTls, new CsSimulator.Options("127.0.0.1", cluster.frontPort(),
                        municipality, tokyo.name(municipality), count, 0, connections, false, 42)).run();
                Reports.printCs(System.out, r);
                ok &= r.failed() == 0 && r.orderViolations() == 0 && r.nackByCode().isEmpty();
                System.out.printf("RESULT %d node(s) through HAProxy: %.0f ACK/s | ACK latency ms p50 %.2f p99 %.2f%n", nodes,
                        r.ackRate(), r.latency().percentileMillis(50), r.latency().percentileMillis(99));
                rates.add(r.ackRate());
            }
        }
        System.out.printf("RESULT two nodes / one node: %.2f (%.0f / %.0f ACK/s, same run, %d cores shared by every "
                + "process)%n", rates.get(1) / rates.get(0), rates.get(1), rates.get(0), Runtime.getRuntime().availableProcessors());
        return ok ? 0 : 1;
    }
}

package jp.tokyo.juki.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.sim.NationalSimulator;

/**
 * Several gateway nodes as in production, on one machine, for the failure tests and {@code bench nodes}: a
 * PostgreSQL primary with a synchronous standby ({@link PgPair}), an Artemis replication pair ({@link HaBroker},
 * two JVMs), gateway nodes as processes ({@link GatewayProcess}, {@code juki.cluster.enabled=true}, the database
 * by {@code targetServerType=primary} over both servers, the broker pair by an HA URL that reconnects), HAProxy
 * in front of their CS ports ({@link HaProxy}) and the national simulators on the host. With {@code namespaces}
 * each node runs in a network namespace of its own ({@link NetNamespaces}) and can be cut off; the brokers and the
 * database stay on the host (a cut never partitions the broker pair). {@link #close()} stops everything.
 */
public final class HaCluster implements AutoCloseable {
    /** What to start: how many nodes, in namespaces or on loopback, the keys and the class path of the JVMs. */
    public record Options(Path dir, int nodes, boolean namespaces, Path keystores, String keystorePassword,
                          SSLContext nationalTls, SSLContext nationalFuhyoTls, String classPath, List<String> extraArgs) {
    }

    private final Options options;
    private final String host;
    private final List<GatewayProcess> nodes = new ArrayList<>();
    private final String brokerPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private NetNamespaces namespaces;
    private PgPair pg;
    private Process primaryBroker;
    private Process backupBroker;
    private int primaryBrokerPort;
    private int backupBrokerPort;
    private NationalSimulator national;
    private NationalSimulator nationalFuhyo;
    private int nationalPort;
    private int nationalFuhyoPort;
    private int frontPort;
    private final List<Integer> csPorts = new ArrayList<>();
    private final List<Integer> managementPorts = new ArrayList<>();
    private HaProxy haproxy;

    private HaCluster(Options options) {
        this.options = options;
        this.host = options.namespaces() ? NetNamespaces.SHARED : "127.0.0.1";
    }

    public static HaCluster start(Options options) throws Exception {
        HaCluster c = new HaCluster(options);
        try {
            c.startAll();
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Files.createDirectories(options.dir());
        frontPort = Ports.free();
        if (options.namespaces()) {
            namespaces = NetNamespaces.make(options.nodes());
        }
        long t0 = System.nanoTime();
        pg = PgPair.start(options.dir().resolve("pg"), options.namespaces() ? "*" : "127.0.0.1", "127.0.0.1");
        log("PostgreSQL primary + synchronous standby up in %.1f s", t0);
        t0 = System.nanoTime();
        primaryBrokerPort = Ports.free();
        backupBrokerPort = Ports.free();
        primaryBroker = startBroker("primary", primaryBrokerPort, backupBrokerPort);
        awaitLine(options.dir().resolve("broker-primary.log"), "juki-ha-broker active", 60);
        backupBroker = startBroker("backup", backupBrokerPort, primaryBrokerPort);
        awaitLine(options.dir().resolve("broker-backup.log"), "juki-ha-broker in sync", 60);
        log("Artemis primary + replicating backup up in %.1f s", t0);
        national = NationalSimulator.start(options.nationalTls(), 0, null);
        nationalFuhyo = NationalSimulator.startFuhyo(options.nationalFuhyoTls(), 0, null);
        nationalPort = national.port();
        nationalFuhyoPort = nationalFuhyo.port();
        List<HaProxy.Forward> forwards = new ArrayList<>();
        if (options.namespaces()) {
            // the simulators listen on loopback only: HAProxy forwards the shared address to them
            nationalPort = Ports.free();
            nationalFuhyoPort = Ports.free();
            forwards.add(new HaProxy.Forward("national", host, nationalPort, national.port()));
            forwards.add(new HaProxy.Forward("national-fuhyo", host, nationalFuhyoPort, nationalFuhyo.port()));
        }
        List<HaProxy.Node> behind = new ArrayList<>();
        t0 = System.nanoTime();
        for (int i = 1; i <= options.nodes(); i++) {
            csPorts.add(Ports.free());
            managementPorts.add(Ports.free());
        }
        haproxyForwardsOnly(forwards);
        // one after the other: a first node makes the key files a node makes at its first start (the SFTP host
        // key); two making them at once in one keystore directory trip over each other
        for (int i = 1; i <= options.nodes(); i++) {
            nodes.add(startNode(i));
        }
        log(options.nodes() + " gateway node(s) ready in %.1f s", t0);
        for (int i = 1; i <= options.nodes(); i++) {
            behind.add(new HaProxy.Node("node" + i, nodeHost(i), csPorts.get(i - 1), managementPorts.get(i - 1)));
        }
        haproxy.close();
        haproxy = HaProxy.start(options.dir().resolve("haproxy"), frontPort, behind, forwards);
        for (int i = 1; i <= options.nodes(); i++) {
            awaitInService(i);
        }
    }

    /**
     * Waits until node {@code n} is ready ({@code /observe/health/ready} 200, as HAProxy checks it) and then
     * for HAProxy's two passing checks a second apart.
     */
    public void awaitInService(int n) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://" + nodeHost(n) + ":" + managementPorts.get(n - 1) + "/observe/health/ready");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("node " + n + " not ready within 120 s");
            }
            GatewayProcess.sleep(250);
        }
        GatewayProcess.sleep(2500);
    }

    /** The forwards alone first (the nodes reach the national simulators through them while they start). */
    private void haproxyForwardsOnly(List<HaProxy.Forward> forwards) throws IOException {
        haproxy = HaProxy.start(options.dir().resolve("haproxy-start"), frontPort, List.of(), forwards);
    }

    private Process startBroker(String role, int port, int peerPort) throws IOException {
        Path dir = options.dir().resolve("broker-" + role);
        Files.createDirectories(dir);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", options.classPath(), HaBroker.class.getName(), role, dir.toString(),
                options.namespaces() ? "0.0.0.0" : "127.0.0.1", host, Integer.toString(port), Integer.toString(peerPort),
                "juki", brokerPassword);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(options.dir().resolve("broker-" + role + ".log").toFile()))
                .start();
    }

    private String nodeHost(int n) {
        return options.namespaces() ? NetNamespaces.nodeAddress(n) : "127.0.0.1";
    }

    /** The broker URL of every node: both brokers, HA, reconnecting for ever, a lost peer noticed within seconds. */
    String brokerUrl() {
        return "(tcp://" + host + ":" + primaryBrokerPort + ",tcp://" + host + ":" + backupBrokerPort + ")"
                + "?ha=true&reconnectAttempts=-1&initialConnectAttempts=-1&retryInterval=100&retryIntervalMultiplier=1.0"
                + "&callTimeout=5000&clientFailureCheckPeriod=2000&connectionTTL=6000";
    }

    private GatewayProcess startNode(int n) throws IOException {
        List<String> args = new ArrayList<>(List.of("--keystores", options.keystores().toString()));
        Map<String, String> db = pg.nodeSettings(host);
        db.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        for (String kv : List.of("juki.cluster.enabled=true", "juki.node.id=node-" + n,
                "juki.broker.url=" + brokerUrl(), "juki.broker.user=juki", "juki.broker.password=" + brokerPassword,
                "juki.national.host=" + host, "juki.national-fuhyo.host=" + host,
                "juki.national-fuhyo.port=" + nationalFuhyoPort,
                "juki.keystores.password=" + options.keystorePassword(),
                "camel.management.host=" + (options.namespaces() ? "0.0.0.0" : "127.0.0.1"))) {
            args.addAll(List.of("--set", kv));
        }
        args.addAll(options.extraArgs());
        List<String> prefix = options.namespaces() ? NetNamespaces.exec(n) : List.of();
        return GatewayProcess.start(prefix, options.classPath(), options.dir().resolve("node-" + n), csPorts.get(n - 1),
                managementPorts.get(n - 1), nationalPort, args);
    }

    /** Starts node {@code n} again (after {@link #killNode}) on its own data directory and ports. */
    public void restartNode(int n) throws IOException {
        nodes.set(n - 1, startNode(n));
        awaitInService(n);
    }

    /** SIGKILL of node {@code n}'s JVM. */
    public void killNode(int n) throws InterruptedException {
        nodes.get(n - 1).kill();
    }

    public GatewayProcess node(int n) {
        return nodes.get(n - 1);
    }

    /** SIGKILL of the broker that is active now (the primary, or the backup after a failover); returns which. */
    public String killActiveBroker() throws InterruptedException {
        if (primaryBroker.isAlive()) {
            primaryBroker.destroyForcibly();
            primaryBroker.waitFor();
            return "primary";
        }
        backupBroker.destroyForcibly();
        backupBroker.waitFor();
        return "backup";
    }

    /** Seconds until the backup broker says it is active (after the primary was killed). */
    public double awaitBackupActive(long sinceNanos) throws IOException {
        awaitLine(options.dir().resolve("broker-backup.log"), "juki-ha-broker active", 60);
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    public PgPair database() {
        return pg;
    }

    public NetNamespaces namespaces() {
        return namespaces;
    }

    /** HAProxy's front: where the CS connects (127.0.0.1). */
    public int frontPort() {
        return frontPort;
    }

    public NationalSimulator national() {
        return national;
    }

    public Path dir() {
        return options.dir();
    }

    private static void awaitLine(Path log, String text, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            GatewayProcess.sleep(100);
        }
        throw new IOException("no '" + text + "' in " + log + " within " + seconds + " s");
    }

    private static void log(String format, long since) {
        System.out.printf("ha-cluster: " + format + "%n", (System.nanoTime() - since) / 1e9);
    }

    @Override
    public void close() {
        long t0 = System.nanoTime();
        if (haproxy != null) {
            haproxy.close();
        }
        for (int n = 0; n < nodes.size(); n++) {
            GatewayProcess g = nodes.get(n);
            if (g != null) {
                long t = System.nanoTime();
                g.close();
                System.out.printf("ha-cluster: node %d stopped in %.1f s%n", n + 1, (System.nanoTime() - t) / 1e9);
            }
        }
        long brokers = System.nanoTime();
        for (Process b : new Process[]{backupBroker, primaryBroker}) {
            if (b != null && b.isAlive()) {
                b.destroy();
                try {
                    if (!b.waitFor(20, TimeUnit.SECONDS)) {
                        b.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    b.destroyForcibly();
                }
            }
        }
        for (NationalSimulator s : new NationalSimulator[]{national, nationalFuhyo}) {
            if (s != null) {
                s.close();
            }
        }
        long database = System.nanoTime();
        if (pg != null) {
            pg.close();
        }
        if (namespaces != null) {
            namespaces.close();
        }
        System.out.printf("ha-cluster: stopped in %.1f s (brokers and simulators %.1f s, database %.1f s)%n",
                (System.nanoTime() - t0) / 1e9, (database - brokers) / 1e9, (System.nanoTime() - database) / 1e9);
    }
}

package jp.tokyo.juki.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import jp.tokyo.juki.harness.GatewayProcess;
import jp.tokyo.juki.platform.BrokerAccess;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.sim.CsSimulator;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * A gateway as a separate process, as production runs it: {@code target/juki-gateway.jar run}
 * (the jar the package phase built) with the test PKI, on free ports, with its embedded broker
 * also listening on TCP so a test can see its queues. It can be stopped with SIGTERM, killed with
 * SIGKILL and started again on the same data directory and CS port. Closing it stops whatever
 * still runs (the gateway, and a database server a killed gateway left behind).
 */
public final class GatewayChild implements AutoCloseable {
    public static final Municipalities TOKYO;

    static {
        try {
            TOKYO = Municipalities.load(Path.of("config/municipalities.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public final Path data;
    public final int csPort;
    public final int nationalPort;
    public final int fuhyoPort;
    public final int brokerPort;
    /** The management port (health, metrics), the same across {@link #startAgain()}s. */
    public final int managementPort;
    private final Map<String, String> settings;
    private GatewayProcess process;

    private GatewayChild(Path data, int nationalPort, Map<String, String> settings) throws IOException {
        this(data, Ports.free(), nationalPort, settings);
    }

    private GatewayChild(Path data, int csPort, int nationalPort, Map<String, String> settings) throws IOException {
        this.data = data;
        this.csPort = csPort;
        this.nationalPort = nationalPort;
        this.fuhyoPort = Ports.free();
        this.brokerPort = Ports.free();
        this.managementPort = Ports.free();
        this.settings = settings;
    }

    /** Starts a gateway on a fresh data directory, delivering to a national server on {@code nationalPort}. */
    public static GatewayChild start(int nationalPort, Map<String, String> settings) throws Exception {
        GatewayChild child = new GatewayChild(Files.createTempDirectory("juki-child"), nationalPort, settings);
        child.startAgain();
        return child;
    }

    /**
     * Launches a gateway on a fresh data directory and returns while it starts; {@link #awaitReady()} waits for it.
     * For a test that looks at a gateway before it is ready (the warm-up at start).
     */
    public static GatewayChild launch(int nationalPort, Map<String, String> settings) throws Exception {
        GatewayChild child = new GatewayChild(Files.createTempDirectory("juki-child"), nationalPort, settings);
        child.launchAgain();
        return child;
    }

    /** As {@link #launch(int, Map)}, with its CS listener on {@code csPort} (a test that takes the port first). */
    public static GatewayChild launchOnCsPort(int csPort, int nationalPort, Map<String, String> settings)
            throws Exception {
        GatewayChild child = new GatewayChild(Files.createTempDirectory("juki-child"), csPort, nationalPort, settings);
        child.launchAgain();
        return child;
    }

    /** Starts the gateway (again) on the same data directory and ports; the previous run must have ended. */
    public void startAgain() throws Exception {
        launchAgain();
        awaitReady();
    }

    /** Waits until the gateway launched says it is ready (the CS listener open). */
    public GatewayChild awaitReady() throws Exception {
        try {
            process.awaitReady();
        } catch (IOException e) {
            // the test's data (and this log) is deleted when it ends: print why the start ended (a restart right after
            // a SIGKILL once ended so in a fresh-clone run, and nothing was left to read)
            Path log = data.resolve("gateway").resolve("gateway.log");
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            System.out.println("[GatewayChild] the gateway's start failed (" + e.getMessage() + "); its log ended:");
            lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> System.out.println("  " + l));
            throw e;
        }
        return this;
    }

    private void launchAgain() throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("juki.cs.host", "127.0.0.1");
        all.put("juki.national-fuhyo.port", Integer.toString(fuhyoPort));
        all.put("juki.db.embedded.shared-buffers", "64MB");
        all.put("juki.crl.check-seconds", "1");
        all.put("juki.sftp.host", "127.0.0.1");
        all.put("juki.broker.acceptor", "tcp://127.0.0.1:" + brokerPort);
        all.putAll(settings);
        List<String> args = new ArrayList<>(List.of("--keystores", TestPki.dir().toString()));
        all.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        process = GatewayProcess.launch(List.of(), Path.of("target", "juki-gateway.jar").toString(),
                data.resolve("gateway"), csPort, managementPort, nationalPort, args);
    }

    public GatewayProcess process() {
        return process;
    }

    /** SIGTERM; returns the exit code (the process is killed after {@code timeout}). */
    public int stop(Duration timeout) throws InterruptedException {
        return process.stop(timeout);
    }

    /** SIGKILL, like a crash. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public long queryLong(String sql) throws SQLException {
        return process.queryLong(sql);
    }

    /** Messages waiting in a queue of the gateway's broker (reached as operator tools reach it). */
    public long queueDepth(String queue) throws Exception {
        BrokerAccess access = BrokerAccess.of(
                GatewayConfig.load(Path.of("config/application.properties"),
                        Map.of("juki.data.dir", data.resolve("gateway").toString())));
        try (ServerLocator locator = ActiveMQClient.createServerLocator(access.url());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(access.user(), access.password(), false, true, true, false,
                     0)) {
            ClientSession.QueueQuery q = session.queueQuery(SimpleString.of(queue));
            return q.isExists() ? q.getMessageCount() : 0;
        }
    }

    /**
     * A CS of {@code municipality} sending {@code count} updates at {@code rate}/s over
     * {@code connections} connections in the background. The same seed sends the same requests
     * (same ids, same contents), which is how a CS resends.
     */
    public CompletableFuture<CsSimulator.Result> load(String municipality, int count, double rate, int connections,
                                                long seed) throws Exception {
        CsSimulator cs = new CsSimulator(TestPki.cs(municipality), new CsSimulator.Options("127.0.0.1", csPort,
                municipality, TOKYO.name(municipality), count, rate, connections, false, seed));
        CompletableFuture<CsSimulator.Result> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(cs.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "cs-load-" + municipality);
        t.setDaemon(true);
        t.start();
        return result;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
        if (System.getenv("JUKI_KEEP_TEST_DATA") != null) {
            System.out.println("[GatewayChild] JUKI_KEEP_TEST_DATA: kept " + data);
            return;
        }
        deleteTree(data);
    }

    /** Deletes a test's data directory (a gateway's database and journal are ~100 MB; /tmp filled up without). */
    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}

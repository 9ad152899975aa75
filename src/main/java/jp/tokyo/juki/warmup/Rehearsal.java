package jp.tokyo.juki.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.assembly.Gateway;
import jp.tokyo.juki.platform.FileSettings;
import jp.tokyo.juki.platform.FileTrees;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.platform.WarmUpSettings;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up at start (issue 16): before the real gateway opens its CS listener, a <em>throwaway</em> gateway of the
 * same code takes simulated CS updates until the JIT has compiled the hot paths, then is stopped and its directory
 * deleted. {@code ./gateway run} starts the real gateway's other parts first ({@code Gateway.startWithCsListenerClosed},
 * decision 34): their start runs through the same code (Camel, Netty, Artemis, pgjdbc, Jackson) and, run after the
 * rehearsal, threw away much of what the JIT had compiled under its load.
 *
 * <p>Why: the JVM compiles the gateway's hot paths during its first minute or two under load, and on a small machine
 * that compiling competes with the first real updates (at 1,000 updates/s right after start the ACK p99 was over a
 * second; docs/benchmarks.md). The JDK of this project (17) cannot keep compiled code or profiles across a restart, so
 * the gateway does the compiling itself, before it serves anyone.
 *
 * <p>Nothing of the rehearsal touches the real gateway's state or peers: it has its own development PKI (made for it
 * and deleted with it; the real gateway never trusts that CA), its own embedded PostgreSQL and Artemis in
 * {@code <data>/warmup}, loopback ports chosen free, the CS and national simulators as its only peers, and the
 * cluster mode off. It shares with the real gateway only the JVM, which is the point: the classes it loaded and the
 * code the JIT compiled for them. Its updates are synthetic (the simulators' generated persons), never personal data.
 */
public final class Rehearsal {
    private static final Logger LOG = LoggerFactory.getLogger(Rehearsal.class);
    private static final String MUNICIPALITY = "131121";
    private static final char[] PASSWORD = "warmup".toCharArray();
    /** updates per round at full speed; every fourth round is a fuhyo one */
    private static final int ROUND = 4_000;
    /**
     * Every third round is offered at an ordinary rate instead (2 s at 1,000 updates/s over the same 8 connections).
     * At full speed every read carries many frames and every group commit hundreds of updates; at an ordinary rate one
     * frame, a handful of updates, a short page of notices. Code compiled for the first only was thrown away (JDK
     * "unstable_if" traps) when the real gateway took its first ordinary minute (docs/benchmarks.md, issue 16).
     */
    private static final int PACED_ROUND = 2_000;
    private static final double PACED_RATE = 1_000;

    /**
     * What the rehearsal did: updates acknowledged, how long it took, whether the JIT had settled when it ended, and how
     * many health and metrics requests the throwaway gateway's management port answered meanwhile.
     */
    public record Outcome(long updates, Duration took, int rounds, double lastJitPercent, boolean settled,
                          long managementRequests) {
    }

    private Rehearsal() {
    }

    /**
     * Rehearses for at most {@code juki.warmup.seconds} of {@code real}'s settings (nothing when 0), ending early once
     * the JIT compiled for less than {@code juki.warmup.settled-percent} of a round's time, or when {@code stop} says
     * so. Never throws: a rehearsal that fails is logged and the start goes on (the gateway is then only colder).
     */
    public static Outcome run(Path configFile, GatewayConfig real, BooleanSupplier stop) {
        int seconds = real.get(WarmUpSettings.SECONDS);
        if (seconds <= 0) {
            return new Outcome(0, Duration.ZERO, 0, 0, false, 0);
        }
        Path scratch = real.dataDir().resolve("warmup");
        long started = System.nanoTime();
        try {
            FileTrees.delete(scratch); // a rehearsal killed half-way leaves its directory
            Outcome outcome = rehearse(configFile, real, scratch, Duration.ofSeconds(seconds),
                    real.get(WarmUpSettings.SETTLED_PERCENT), stop, started);
            // the throwaway gateway's garbage is collected now, while nothing is served, not under the first updates
            System.gc();
            LOG.info(String.format(Locale.ROOT, "warm-up done: %d simulated updates in %d rounds, %.1f s, on a throwaway "
                            + "gateway (deleted); the JIT compiled for %.1f%% of the last three full-speed rounds (%s); its "
                            + "management port answered %d health and metrics requests", outcome.updates(),
                    outcome.rounds(), outcome.took().toMillis() / 1000.0, outcome.lastJitPercent(),
                    outcome.settled() ? "settled" : "time up or stopped", outcome.managementRequests()));
            return outcome;
        } catch (Exception e) {
            LOG.warn("warm-up failed ({}: {}); the gateway starts without it", e.getClass().getSimpleName(),
                    e.getMessage());
            return new Outcome(0, Duration.ofNanos(System.nanoTime() - started), 0, 0, false, 0);
        } finally {
            try {
                FileTrees.delete(scratch);
            } catch (Exception e) {
                LOG.warn("warm-up directory {} not deleted: {}", scratch, e.getClass().getSimpleName());
            }
        }
    }

    private static Outcome rehearse(Path configFile, GatewayConfig real, Path scratch, Duration budget,
                                    int settledPercent, BooleanSupplier stop, long started) throws Exception {
        Municipalities tokyo = Municipalities.load(real.get(FileSettings.MUNICIPALITIES));
        Path keystores = scratch.resolve("keystores");
        new DevPki(keystores, PASSWORD).init(List.of(Identities.GATEWAY, Identities.NATIONAL,
                Identities.NATIONAL_FUHYO, Identities.cs(MUNICIPALITY)));
        KeyMaterial keys = new KeyMaterial(keystores, PASSWORD, Duration.ofMinutes(5));
        try (NationalSimulator national = NationalSimulator.start(
                keys.sslContext(Identities.NATIONAL, Identities.exactly(Identities.GATEWAY), "warmup-national"), 0, null, 0).countOnly();
             NationalSimulator fuhyoNational = NationalSimulator.startFuhyo(
                     keys.sslContext(Identities.NATIONAL_FUHYO, Identities.exactly(Identities.GATEWAY),
                             "warmup-national-fuhyo"), 0, null, 0).countOnly()) {
            int csPort = Ports.free();
            Map<String, String> set = scratchSettings(real, scratch, keystores, csPort, national.port(),
                    fuhyoNational.port());
            // no environment: JUKI_DB_URL and the like name the real database, which the rehearsal never touches
            GatewayConfig config = GatewayConfig.load(configFile, set, Map.of());
            SSLContext csTls = keys.sslContext(Identities.cs(MUNICIPALITY), Identities.exactly(Identities.GATEWAY),
                    "warmup-cs");
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            long deadline = started + budget.toNanos();
            long updates = 0;
            int rounds = 0;
            double jitPercent = 100;
            long[] jitMillis = new long[3];
            double[] roundMillis = new double[3];
            boolean settled = false;
            long managementRequests = 0;
            try (Gateway gateway = new Gateway(config).rehearsal().start();
                 ManagementProbe probe = ManagementProbe.start(config.get("camel.management.port", "0"))) {
                int saturated = 0;
                while (System.nanoTime() < deadline && !stop.getAsBoolean() && !settled) {
                    rounds++;
                    // every third round at an ordinary rate: small groups, one frame per read, short pages
                    boolean paced = rounds % 3 == 2;
                    String store = rounds % 4 == 0 ? "FUHYO" : "HONNIN";
                    long jitBefore = jit.getTotalCompilationTime();
                    long roundStart = System.nanoTime();
                    CsSimulator.Result r = new CsSimulator(csTls, new CsSimulator.Options("127.0.0.1", csPort,
                            MUNICIPALITY, tokyo.name(MUNICIPALITY), paced ? PACED_ROUND : ROUND, paced ? PACED_RATE : 0,
                            8, false, 1_000L + rounds, store)).run();
                    updates += r.acked();
                    if (!paced) {
                        // the JIT's compile time (all its threads) over the last three saturated rounds' time: a
                        // paced round's idle time would make the JIT look settled sooner than it is
                        jitMillis[saturated % 3] = jit.getTotalCompilationTime() - jitBefore;
                        roundMillis[saturated % 3] = (System.nanoTime() - roundStart) / 1e6;
                        saturated++;
                        jitPercent = 100.0 * Arrays.stream(jitMillis).sum() / Arrays.stream(roundMillis).sum();
                        settled = saturated >= 3 && jitPercent < settledPercent;
                    }
                    LOG.info(String.format(Locale.ROOT, "warm-up round %d (%s%s): %d acknowledged, %.0f ACK/s; the JIT "
                            + "compiled for %.0f%% of the last three full-speed rounds", rounds, store,
                            paced ? ", paced" : "", r.acked(), r.ackRate(), jitPercent));
                }
                managementRequests = probe.answered();
            }
            return new Outcome(updates, Duration.ofNanos(System.nanoTime() - started), rounds, jitPercent, settled,
                    managementRequests);
        }
    }

    /** The throwaway gateway's settings: everything of its own, on loopback, embedded, alone. */
    static Map<String, String> scratchSettings(GatewayConfig real, Path scratch, Path keystores, int csPort,
                                               int nationalPort, int fuhyoNationalPort) throws Exception {
        Files.createDirectories(scratch);
        Map<String, String> set = new HashMap<>();
        set.put("juki.data.dir", scratch.resolve("data").toString());
        set.put("juki.keystores.dir", keystores.toString());
        set.put("juki.keystores.password", new String(PASSWORD));
        set.put("juki.db.url", "");
        set.put("juki.broker.url", "");
        set.put("juki.cluster.enabled", "false");
        set.put("juki.db.embedded.port", Integer.toString(Ports.free()));
        set.put("juki.db.embedded.shared-buffers", "64MB");
        // PostgreSQL's default: the throwaway database is deleted after a minute or two, its WAL files with it
        set.put("juki.db.embedded.min-wal-size", "80MB");
        set.put("juki.broker.acceptor", "tcp://127.0.0.1:" + Ports.free());
        set.put("juki.cs.host", "127.0.0.1");
        set.put("juki.cs.port", Integer.toString(csPort));
        set.put("juki.national.host", "localhost");
        set.put("juki.national.port", Integer.toString(nationalPort));
        set.put("juki.national-fuhyo.host", "localhost");
        set.put("juki.national-fuhyo.port", Integer.toString(fuhyoNationalPort));
        set.put("juki.sftp.host", "127.0.0.1");
        set.put("juki.sftp.port", "0");
        set.put("juki.operator.host", "127.0.0.1");
        set.put("juki.operator.port", Integer.toString(Ports.free()));
        set.put("camel.management.host", "127.0.0.1");
        set.put("camel.management.port", Integer.toString(Ports.free()));
        set.put("juki.warmup.seconds", "0");
        // no agency: the real ones' drop folders (and any external SFTP server of theirs) are never reached
        Path agencies = Files.writeString(scratch.resolve("agencies.yaml"), "agencies: []\n");
        set.put("juki.agencies", agencies.toString());
        // the routes the real gateway runs, from the same place
        set.put("camel.main.routes-include-pattern",
                real.get("camel.main.routes-include-pattern", "file:routes/*.camel.yaml"));
        return set;
    }
}

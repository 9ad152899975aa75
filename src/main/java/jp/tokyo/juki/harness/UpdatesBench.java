package jp.tokyo.juki.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.assembly.DevIdentities;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.warmup.Rehearsal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gateway bench updates}: the gateway, the national simulator and CS load in one go. */
@Command(name = "updates", mixinStandardHelpOptions = true,
        description = "Update throughput and ACK latency from one CS over several connections "
                + "(HONNIN_UPDATE, FUHYO_UPDATE, or both in one run for their ratio).")
final class UpdatesBench implements Callable<Integer> {
    @Option(names = "--count", defaultValue = "100000", description = "Updates to send per store (default: ${DEFAULT-VALUE}).")
    int count;
    @Option(names = "--connections", defaultValue = "8", description = "CS connections (default: ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--rate", defaultValue = "0", description = "Offered updates/s; 0 = as fast as ACKs come.")
    double rate;
    @Option(names = "--warmup", defaultValue = "30000",
            description = "Updates sent first, at the same rate, and not measured, so the JIT has compiled the hot paths for this load (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--store", defaultValue = "HONNIN",
            description = "HONNIN, FUHYO, or both on the same gateway, one after the other, with their ratio: "
                    + "BOTH (= HONNIN,FUHYO) or FUHYO,HONNIN (default: ${DEFAULT-VALUE}).")
    String store;
    @Option(names = "--municipality", defaultValue = "131121", description = "Sending CS (default: ${DEFAULT-VALUE}, 世田谷区).")
    String municipality;
    @Option(names = "--audit-chain", defaultValue = "on",
            description = "on, off (juki.audit.hash-chain=false, for comparison only) or both: one gateway without "
                    + "then one with the chain, in the same run, with their ratio (default: ${DEFAULT-VALUE}).")
    String auditChain;
    @Option(names = "--data", defaultValue = "data/bench", description = "Data directory, emptied first.")
    Path data;
    @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
    Path keystores;
    @Option(names = "--set", description = "Gateway configuration overrides, key=value.")
    Map<String, String> set = new HashMap<>();
    @Option(names = "--jar", paramLabel = "JAR",
            description = "Run the gateway from this jar instead of this build: its class path is the jar's manifest, "
                    + "its routes a routes/ folder beside the jar if there is one. Repeat to compare builds in one run "
                    + "(e.g. --jar before/juki-gateway.jar --jar target/juki-gateway.jar): each is measured in turn, "
                    + "--rounds times, and the ratio of each to the first is printed.")
    List<Path> jars = new ArrayList<>();
    @Option(names = "--jvm-opts", paramLabel = "OPTS",
            description = "JVM options of the gateway process instead of JUKI_GATEWAY_JVM_OPTS (\"\" for none). Repeat "
                    + "to compare them in one run (e.g. --jvm-opts \"\" --jvm-opts \"-XX:MaxGCPauseMillis=20\"): each build "
                    + "is measured with each, alternating, --rounds times, with the ratio of each to the first.")
    List<String> jvmOpts = new ArrayList<>();
    @Option(names = "--variant-set", paramLabel = "KEY=VALUE[;KEY=VALUE]",
            description = "Gateway configuration overrides of one variant (after --set). Repeat to compare settings in one "
                    + "run (e.g. --variant-set juki.batch.writers=1 --variant-set juki.batch.writers=2): each build is "
                    + "measured with each, alternating, --rounds times, with the ratio of each to the first.")
    List<String> variantSets = new ArrayList<>();
    @Option(names = "--db-limit", description = "First measure the database's own limit for the honnin update "
            + "transaction (its statements from --connections clients on the gateway's PostgreSQL, one update per "
            + "transaction, then ten), then print the gateway's throughput as a ratio of each.")
    boolean dbLimit;
    @Option(names = "--db-limit-seconds", defaultValue = "20",
            description = "Measured seconds of each database limit, after 5 s not counted (default: ${DEFAULT-VALUE}).")
    int dbLimitSeconds;
    @Option(names = "--flame", description = "Also write a flame graph of the gateway's CPU over each measured window "
            + "(async-profiler, attached with jcmd) into the gateway's bench directory: flame-<store>.html.")
    boolean flame;
    @Option(names = "--warm-simulators", defaultValue = "0", paramLabel = "SECONDS",
            description = "First warm this process's own CS and national simulators for at most SECONDS, on a "
                    + "throwaway gateway in this process (the gateway's own warm-up, juki.warmup.seconds), so that a "
                    + "measurement right after the gateway's start (--warmup 0) is not a cold load generator's on the "
                    + "same cores (default: ${DEFAULT-VALUE}: none).")
    int warmSimulators;
    @Option(names = "--pause-seconds", defaultValue = "10",
            description = "Pause between the warm-up and the measured run, so the audit writer and the JIT finish the "
                    + "warm-up's work (default: ${DEFAULT-VALUE}).")
    int pauseSeconds;
    @Option(names = "--rounds", defaultValue = "1",
            description = "How many times each build (--jar) is measured, alternating (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        List<String> stores = List.of((store.equals("BOTH") ? "HONNIN,FUHYO" : store).split(","));
        if (stores.isEmpty() || !stores.stream().allMatch(x -> x.equals("HONNIN") || x.equals("FUHYO"))
                || stores.stream().distinct().count() != stores.size()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--store must be HONNIN, FUHYO, BOTH or an order such as FUHYO,HONNIN");
        }
        Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
        new DevPki(keystores, "juki-dev".toCharArray()).init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
        DemoCommand.deleteTree(data);
        Files.createDirectories(data);
        KeyMaterial keys = new KeyMaterial(keystores, "juki-dev".toCharArray(), Duration.ofSeconds(5));
        if (warmSimulators > 0) {
            Path settings = Path.of("config/application.properties");
            Rehearsal.Outcome warmed = Rehearsal.run(settings, GatewayConfig.load(settings, Map.of("juki.data.dir",
                    data.toString(), "juki.warmup.seconds", Integer.toString(warmSimulators))), () -> false);
            System.out.printf(Locale.ROOT, "simulators warmed in this process: %d updates on a throwaway gateway in "
                    + "%.0f s (not counted)%n", warmed.updates(), warmed.took().toMillis() / 1000.0);
        }
        List<String> variants = switch (auditChain) {
            case "on" -> List.of("true");
            case "off" -> List.of("false");
            case "both" -> List.of("false", "true");
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--audit-chain must be on, off or both");
        };
        boolean ok = true;
        List<Setup> builds = setups();
        // throughput by setup (build, JVM options, settings), then variant, then store: one value per round
        Map<Setup, Map<String, Map<String, List<Double>>>> measured = new LinkedHashMap<>();
        for (int round = 1; round <= Math.max(1, rounds); round++) {
            for (Setup build : builds) {
                for (String chained : variants) {
                    Map<String, Double> throughput = new LinkedHashMap<>();
                    ok &= runVariant(build, round, chained, stores, tokyo, keys, throughput);
                    throughput.forEach((s, v) -> measured.computeIfAbsent(build, b -> new LinkedHashMap<>())
                            .computeIfAbsent(chained, c -> new LinkedHashMap<>())
                            .computeIfAbsent(s, x -> new ArrayList<>()).add(v));
                }
            }
        }
        Map<String, Map<String, List<Double>>> first = measured.get(builds.get(0));
        if (variants.size() == 2) {
            for (String s : stores) {
                double with = median(first.get("true").get(s));
                double without = median(first.get("false").get(s));
                System.out.printf("RESULT %s with the audit hash chain / without: %.2f (%.0f / %.0f ACK/s, same run)%n",
                        s, with / without, with, without);
            }
        }
        if (builds.size() > 1) {
            for (Setup build : builds.subList(1, builds.size())) {
                for (String chained : variants) {
                    for (String s : stores) {
                        List<Double> b = measured.get(build).get(chained).get(s);
                        List<Double> a = first.get(chained).get(s);
                        System.out.printf("RESULT %s %s / %s: %.2f (median %.0f / %.0f ACK/s over %d round(s), "
                                        + "alternating, same run; rounds %s / %s)%n", s, build, builds.get(0),
                                median(b) / median(a), median(b), median(a), b.size(), rounded(b), rounded(a));
                    }
                }
            }
        }
        return ok ? 0 : 1;
    }

    /**
     * A gateway to measure: its jar (null: this build), its JVM options (null: those of
     * {@code JUKI_GATEWAY_JVM_OPTS}) and its settings ({@code KEY=VALUE;…}, null: none beyond --set).
     */
    private record Setup(Path jar, String jvmOpts, String sets) {
        @Override
        public String toString() {
            return (jar == null ? "this build" : jar.toString()) + (jvmOpts == null ? "" : " [" + jvmOpts.trim() + "]")
                    + (sets == null ? "" : " {" + sets + "}");
        }
    }

    /** Every build (--jar) with every set of JVM options (--jvm-opts) and of settings (--variant-set), in the order given. */
    private List<Setup> setups() {
        List<Path> builds = jars.isEmpty() ? Collections.singletonList(null) : jars;
        List<String> options = jvmOpts.isEmpty() ? Collections.singletonList(null) : jvmOpts;
        List<String> sets = variantSets.isEmpty() ? Collections.singletonList(null) : variantSets;
        List<Setup> all = new ArrayList<>();
        for (Path build : builds) {
            for (String o : options) {
                for (String v : sets) {
                    all.add(new Setup(build, o, v));
                }
            }
        }
        return all;
    }

    /** One gateway of one build and audit-chain variant, with national simulators of its own, measured for each store. */
    private boolean runVariant(Setup setup, int round, String chained, List<String> stores, Municipalities tokyo,
                               KeyMaterial keys, Map<String, Double> throughput) throws Exception {
        // national simulators of its own per gateway: they drop repeats by origin, and every run sends the same ids
        try (NationalSimulator national = NationalSimulator.start(
                keys.sslContext(Identities.NATIONAL, Identities.exactly(Identities.GATEWAY), "national-sim"), 0, null);
             NationalSimulator fuhyoNational = NationalSimulator.startFuhyo(keys.sslContext(Identities.NATIONAL_FUHYO,
                     Identities.exactly(Identities.GATEWAY), "national-fuhyo-sim"), 0, null)) {
            List<String> args = new ArrayList<>(List.of("--keystores", keystores.toString(),
                    "--set", "juki.national-fuhyo.port=" + fuhyoNational.port()));
            String classPath = System.getProperty("java.class.path");
            String name = chained.equals("true") ? "gateway" : "gateway-unchained";
            String variant = chained.equals("true") ? "audit hash chain on" : "audit hash chain OFF (comparison only)";
            Path build = setup.jar();
            if (build != null) {
                classPath = build.toAbsolutePath().toString();
                Path routes = build.toAbsolutePath().getParent().resolve("routes");
                if (Files.isDirectory(routes)) {
                    args.addAll(List.of("--set", "camel.main.routes-include-pattern=file:" + routes + "/*.camel.yaml"));
                }
            }
            // the gateway's directory and label name what is compared: e.g. build2-opts1-round1-gateway
            String tag = (build == null ? "" : "build" + (jars.indexOf(build) + 1) + "-")
                    + (setup.jvmOpts() == null ? "" : "opts" + (jvmOpts.indexOf(setup.jvmOpts()) + 1) + "-")
                    + (setup.sets() == null ? "" : "set" + (variantSets.indexOf(setup.sets()) + 1) + "-");
            if (!tag.isEmpty()) {
                name = tag + "round" + round + "-" + name;
                variant = setup + ", round " + round + ", " + variant;
            }
            set.forEach((k, v) -> {
                args.add("--set");
                args.add(k + "=" + v);
            });
            if (setup.sets() != null) {
                for (String kv : setup.sets().split(";")) {
                    args.addAll(List.of("--set", kv.trim()));
                }
            }
            args.addAll(List.of("--set", "juki.audit.hash-chain=" + chained));
            return runGateway(setup.jvmOpts(), classPath, data.resolve(name), Ports.free(), national, fuhyoNational, args, stores, tokyo,
                    keys, throughput, variant);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String rounded(List<Double> values) {
        return String.join(" ", values.stream().map(v -> String.format("%.0f", v)).toList());
    }

    /** One gateway (child process) measured for each store; its throughput per store goes into {@code throughput}. */
    private boolean runGateway(String jvmOptions, String classPath, Path dir, int csPort, NationalSimulator national, NationalSimulator fuhyoNational,
                               List<String> extra, List<String> stores, Municipalities tokyo, KeyMaterial keys,
                               Map<String, Double> throughput, String variant) throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(jvmOptions, classPath, dir, csPort, national.port(), extra)) {
            System.out.printf("bench updates: %s, %d updates, %d connections, offered rate %s, %s, gateway pid %d (-Xms1g -Xmx1g)%n",
                    String.join(" then ", stores), count, connections, rate <= 0 ? "unlimited" : rate + "/s",
                    variant, gateway.pid());
            long[] memStart = gateway.memoryMiB();
            SSLContext csTls =
                    keys.sslContext(Identities.cs(municipality), Identities.exactly(Identities.GATEWAY), "cs-sim");
            boolean ok = true;
            // every store is warmed up before any is measured, so the first measured is not the coldest
            for (String s : stores) {
                warmUp(s, csTls, csPort, tokyo, s.equals("FUHYO") ? fuhyoNational : national);
            }
            if (warmup > 0) {
                // let the audit writer and the JIT finish with the warm-up's load before measuring
                GatewayProcess.sleep(pauseSeconds * 1000L);
            }
            DbLimit.Limits limits = null;
            if (dbLimit) {
                limits = DbLimit.measure(gateway, tokyo, municipality, connections, Duration.ofSeconds(dbLimitSeconds));
                // their notices go to the national simulator now: measured only once that is done
                settled(national);
                GatewayProcess.sleep(5_000);
            }
            UpdateCost cost = new UpdateCost(gateway, dir, flame);
            for (String s : stores) {
                NationalSimulator receiver = s.equals("FUHYO") ? fuhyoNational : national;
                CsSimulator.Result r = measure(s, csTls, csPort, tokyo, receiver, cost);
                ok &= r.failed() == 0 && r.orderViolations() == 0;
                throughput.put(s, r.ackRate());
                if (limits != null && s.equals("HONNIN")) {
                    System.out.printf(Locale.ROOT, "RESULT HONNIN gateway / database limit: %.2f of one update "
                                    + "per transaction (%.0f / %.0f), %.2f of ten per transaction (%.0f / %.0f); same run%n",
                            r.ackRate() / limits.single(), r.ackRate(), limits.single(), r.ackRate() / limits.grouped(),
                            r.ackRate(), limits.grouped());
                }
            }
            long[] memEnd = gateway.memoryMiB();
            auditCaughtUp(gateway);
            gateway.stop(Duration.ofSeconds(40));
            if (throughput.size() == 2) {
                System.out.printf("RESULT fuhyo/honnin throughput ratio %.2f (%.0f / %.0f ACK/s, same gateway, same run)%n",
                        throughput.get("FUHYO") / throughput.get("HONNIN"), throughput.get("FUHYO"),
                        throughput.get("HONNIN"));
            }
            System.out.printf("RESULT gateway memory: peak heap %s MiB (limit 1024), RSS %d MiB at start, %d MiB at end, peak RSS %d MiB%n",
                    gateway.reportedPeakHeapMiB().map(String::valueOf).orElse("?"), memStart[0], memEnd[0], memEnd[1]);
            return ok;
        }
    }

    /** Waits until the national simulator has had no new notice for 3 s (at most 300 s). */
    private static void settled(NationalSimulator national) {
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        int last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = national.noticeCount();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
                return;
            }
            GatewayProcess.sleep(200);
        }
    }

    /** Reports when the audit table stops growing after the load: the audit's lag behind the traffic. */
    private static void auditCaughtUp(GatewayProcess gateway) throws SQLException {
        long started = System.nanoTime();
        long last = -1;
        long count = gateway.queryLong("SELECT count(*) FROM audit.record");
        while (count != last && System.nanoTime() - started < Duration.ofSeconds(120).toNanos()) {
            GatewayProcess.sleep(1000);
            last = count;
            count = gateway.queryLong("SELECT count(*) FROM audit.record");
        }
        System.out.printf("RESULT audit: %d records in the table, complete %.1f s after the national backlog drained%n",
                count, Math.max(0, (System.nanoTime() - started) / 1e9 - 1));
    }

    private void warmUp(String store, SSLContext csTls, int csPort, Municipalities tokyo,
                        NationalSimulator receiver) throws Exception {
        if (warmup <= 0) {
            return;
        }
        int before = receiver.noticeCount();
        CsSimulator.Result w = new CsSimulator(csTls, new CsSimulator.Options("localhost", csPort,
                municipality, tokyo.name(municipality), warmup, rate, connections, false, 7, store)).run();
        System.out.printf("%s warm-up: %d updates, %.0f ACK/s (not counted)%n", store, w.acked(), w.ackRate());
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (receiver.noticeCount() - before < w.acked() && System.nanoTime() < deadline) {
            GatewayProcess.sleep(100);
        }
    }

    /** The measured run of one store's updates; prints its RESULT lines. */
    private CsSimulator.Result measure(String store, SSLContext csTls, int csPort, Municipalities tokyo,
                                       NationalSimulator receiver, UpdateCost cost) throws Exception {
        int before = receiver.noticeCount();
        UpdateCost.Start start = cost.start(store);
        CsSimulator.Result r = new CsSimulator(csTls, new CsSimulator.Options("localhost", csPort, municipality,
                tokyo.name(municipality), count, rate, connections, false, 42, store)).run();
        long ackedAt = System.nanoTime();
        long deadline = ackedAt + Duration.ofSeconds(300).toNanos();
        while (receiver.noticeCount() - before < r.acked() && System.nanoTime() < deadline) {
            GatewayProcess.sleep(100);
        }
        double drain = (System.nanoTime() - ackedAt) / 1e9;
        UpdateCost.Measured spent = cost.stop(start);
        Reports.printCs(System.out, r);
        System.out.printf("RESULT %s throughput %.0f ACK/s | ACK latency ms p50 %.2f p99 %.2f p99.9 %.2f%n", store,
                r.ackRate(), r.latency().percentileMillis(50), r.latency().percentileMillis(99),
                r.latency().percentileMillis(99.9));
        System.out.printf("RESULT %s ACK latency ms of the second half (steady state): p50 %.2f p99 %.2f p99.9 %.2f%n",
                store, r.latency().secondHalfPercentileMillis(50), r.latency().secondHalfPercentileMillis(99),
                r.latency().secondHalfPercentileMillis(99.9));
        if (rate > 0) {
            System.out.printf("%s ACK latency by when the request was sent:%n%s", store, r.latency().timeline(5));
            System.out.printf("%s ACK latency of the first 10 s, by second:%n%s", store, r.latency().timeline(1, 10));
        }
        System.out.printf("RESULT %s national notices received %d of %d acknowledged; backlog drained %.1f s after the last ACK%n",
                store, receiver.noticeCount() - before, r.acked(), drain);
        spent.print(System.out, store, r.acked());
        return r;
    }
}

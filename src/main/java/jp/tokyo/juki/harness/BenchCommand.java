package jp.tokyo.juki.harness;

import jp.tokyo.juki.assembly.DevIdentities;

import jp.tokyo.juki.assembly.Gateway;
import jp.tokyo.juki.platform.Ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.honnin.HonninBulkLoad;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.AgencyAnswer;
import jp.tokyo.juki.sim.AgencyClient;
import jp.tokyo.juki.sim.AgencyRequestFile;
import jp.tokyo.juki.sim.ConsistencySimulator;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.sim.ResidentSet;
import jp.tokyo.juki.sim.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway bench updates}: the gateway, the national simulator and CS load in one go;
 * {@code ./gateway bench consistency}: one municipality's consistency check (整合) end to end;
 * {@code ./gateway bench agency}: one agency request file end to end over the SFTP drop folder.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "End-to-end benchmarks.",
        subcommands = {BenchCommand.Updates.class, BenchCommand.Consistency.class, BenchCommand.Agency.class, AuditBench.class,
                SoakBench.class})
public final class BenchCommand {

    @Command(name = "updates", mixinStandardHelpOptions = true,
            description = "Update throughput and ACK latency from one CS over several connections "
                    + "(HONNIN_UPDATE, FUHYO_UPDATE, or both in one run for their ratio).")
    static final class Updates implements Callable<Integer> {
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
            List<String> variants = switch (auditChain) {
                case "on" -> List.of("true");
                case "off" -> List.of("false");
                case "both" -> List.of("false", "true");
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "--audit-chain must be on, off or both");
            };
            boolean ok = true;
            Map<String, Map<String, Double>> byVariant = new LinkedHashMap<>();
            for (String chained : variants) {
                // national simulators of its own per gateway: they drop repeats by origin, and every run sends the same ids
                try (NationalSimulator national = NationalSimulator.start(
                        keys.sslContext(Identities.NATIONAL, Identities.exactly(Identities.GATEWAY), "national-sim"), 0, null);
                     NationalSimulator fuhyoNational = NationalSimulator.startFuhyo(keys.sslContext(Identities.NATIONAL_FUHYO,
                             Identities.exactly(Identities.GATEWAY), "national-fuhyo-sim"), 0, null)) {
                    List<String> args = new ArrayList<>(List.of("--keystores", keystores.toString(),
                            "--set", "juki.national-fuhyo.port=" + fuhyoNational.port()));
                    set.forEach((k, v) -> {
                        args.add("--set");
                        args.add(k + "=" + v);
                    });
                    args.addAll(List.of("--set", "juki.audit.hash-chain=" + chained));
                    Map<String, Double> throughput = new LinkedHashMap<>();
                    ok &= runGateway(data.resolve(chained.equals("true") ? "gateway" : "gateway-unchained"), Ports.free(),
                            national, fuhyoNational, args, stores, tokyo, keys, throughput,
                            chained.equals("true") ? "audit hash chain on" : "audit hash chain OFF (comparison only)");
                    byVariant.put(chained, throughput);
                }
            }
            if (byVariant.size() == 2) {
                for (String s : stores) {
                    System.out.printf("RESULT %s with the audit hash chain / without: %.2f (%.0f / %.0f ACK/s, same run)%n",
                            s, byVariant.get("true").get(s) / byVariant.get("false").get(s), byVariant.get("true").get(s),
                            byVariant.get("false").get(s));
                }
            }
            return ok ? 0 : 1;
        }

        /** One gateway (child process) measured for each store; its throughput per store goes into {@code throughput}. */
        private boolean runGateway(Path dir, int csPort, NationalSimulator national, NationalSimulator fuhyoNational,
                                   List<String> extra, List<String> stores, Municipalities tokyo, KeyMaterial keys,
                                   Map<String, Double> throughput, String variant) throws Exception {
            try (GatewayProcess gateway = GatewayProcess.start(dir, csPort, national.port(), extra)) {
                System.out.printf("bench updates: %s, %d updates, %d connections, offered rate %s, %s, gateway pid %d (-Xmx1g)%n",
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
                    GatewayProcess.sleep(10_000);
                }
                for (String s : stores) {
                    NationalSimulator receiver = s.equals("FUHYO") ? fuhyoNational : national;
                    CsSimulator.Result r = measure(s, csTls, csPort, tokyo, receiver);
                    ok &= r.failed() == 0 && r.orderViolations() == 0;
                    throughput.put(s, r.ackRate());
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
                                           NationalSimulator receiver) throws Exception {
            int before = receiver.noticeCount();
            CsSimulator.Result r = new CsSimulator(csTls, new CsSimulator.Options("localhost", csPort, municipality,
                    tokyo.name(municipality), count, rate, connections, false, 42, store)).run();
            long ackedAt = System.nanoTime();
            long deadline = ackedAt + Duration.ofSeconds(300).toNanos();
            while (receiver.noticeCount() - before < r.acked() && System.nanoTime() < deadline) {
                GatewayProcess.sleep(100);
            }
            double drain = (System.nanoTime() - ackedAt) / 1e9;
            Reports.printCs(System.out, r);
            System.out.printf("RESULT %s throughput %.0f ACK/s | ACK latency ms p50 %.2f p99 %.2f p99.9 %.2f%n", store,
                    r.ackRate(), r.latency().percentileMillis(50), r.latency().percentileMillis(99),
                    r.latency().percentileMillis(99.9));
            System.out.printf("RESULT %s ACK latency ms of the second half (steady state): p50 %.2f p99 %.2f p99.9 %.2f%n",
                    store, r.latency().secondHalfPercentileMillis(50), r.latency().secondHalfPercentileMillis(99),
                    r.latency().secondHalfPercentileMillis(99.9));
            System.out.printf("RESULT %s national notices received %d of %d acknowledged; backlog drained %.1f s after the last ACK%n",
                    store, receiver.noticeCount() - before, r.acked(), drain);
            return r;
        }
    }

    @Command(name = "consistency", mixinStandardHelpOptions = true,
            description = {"The consistency check (整合) of one municipality end to end over mTLS: the store is seeded",
                    "directly (bulk COPY, bypassing the wire), then a CS sends the whole set with a known drift."})
    static final class Consistency implements Callable<Integer> {
        @Option(names = "--records", defaultValue = "1000000", description = "Persons in the set (default: ${DEFAULT-VALUE}).")
        int records;
        @Option(names = "--store", defaultValue = "HONNIN", description = "Store checked: HONNIN (default).")
        Store store;
        @Option(names = "--drift", defaultValue = "0.01",
                description = "Share of deliberate differences (default: ${DEFAULT-VALUE}).")
        double drift;
        @Option(names = "--municipality", defaultValue = "131121", description = "Checking CS (default: ${DEFAULT-VALUE}, 世田谷区).")
        String municipality;
        @Option(names = "--chunk", defaultValue = "1000", description = "Records per chunk (default: ${DEFAULT-VALUE}).")
        int chunk;
        @Option(names = "--window", defaultValue = "8", description = "Chunks in flight (default: ${DEFAULT-VALUE}).")
        int window;
        @Option(names = "--data", defaultValue = "data/bench-consistency", description = "Data directory, emptied first.")
        Path data;
        @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
        Path keystores;
        @Option(names = "--set", description = "Gateway configuration overrides, key=value.")
        Map<String, String> set = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            if (store != Store.HONNIN) {
                System.err.println("bench consistency: --store " + store + " cannot be seeded yet; use ./gateway sim cs "
                        + "--consistency --store " + store + " --load for a fuhyo check");
                return 2;
            }
            Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
            new DevPki(keystores, "juki-dev".toCharArray()).init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
            DemoCommand.deleteTree(data);
            Files.createDirectories(data);
            KeyMaterial keys = new KeyMaterial(keystores, "juki-dev".toCharArray(), Duration.ofSeconds(5));
            int csPort = Ports.free();
            List<String> extra = new ArrayList<>(List.of("--keystores", keystores.toString()));
            set.forEach((k, v) -> {
                extra.add("--set");
                extra.add(k + "=" + v);
            });
            // nothing is notified (seeding bypasses the wire), so no national server is needed
            try (GatewayProcess gateway = GatewayProcess.start(data.resolve("gateway"), csPort, Ports.free(), extra)) {
                System.out.printf("bench consistency: %d persons of %s (%s), drift %.3f, gateway pid %d (-Xmx1g)%n",
                        records, municipality, tokyo.name(municipality), drift, gateway.pid());
                ResidentSet residents = new ResidentSet(municipality,
                        tokyo.name(municipality), 1);
                long t0 = System.nanoTime();
                String url = "jdbc:postgresql://localhost:" + gateway.dbPort() + "/postgres";
                long seeded;
                try (Connection c = DriverManager.getConnection(url, "juki_honnin", gateway.dbPassword("juki_honnin"))) {
                    seeded = HonninBulkLoad.load(c, LongStream.range(0, records)
                            .mapToObj(residents::honnin).iterator(), records, municipality);
                }
                try (Connection c = DriverManager.getConnection(url, "postgres", gateway.dbPassword("postgres"));
                     Statement s = c.createStatement()) {
                    // settle the freshly loaded table as a long-lived store is: statistics, hint bits, visibility map
                    s.execute("VACUUM ANALYZE honnin.resident");
                }
                System.out.printf("seeded %d persons directly into the honnin store in %.1f s (bulk COPY, not over the "
                        + "wire: a million updates would take ~7 minutes); the check below runs end to end over mTLS%n",
                        seeded, (System.nanoTime() - t0) / 1e9);
                long[] memStart = gateway.memoryMiB();
                SSLContext csTls =
                        keys.sslContext(Identities.cs(municipality), Identities.exactly(Identities.GATEWAY), "cs-sim");
                ConsistencySimulator.Outcome o = new ConsistencySimulator(csTls,
                        new ConsistencySimulator.Options("localhost", csPort, municipality,
                                tokyo.name(municipality), store, records, drift, false, 1, chunk, window, 1, true)).run();
                long[] memEnd = gateway.memoryMiB();
                gateway.stop(Duration.ofSeconds(40));
                System.out.print(o.report());
                double seconds = o.check().toNanos() / 1e9;
                System.out.printf("RESULT consistency check %s: %d records in %.1f s (CONSISTENCY_BEGIN to the last result "
                        + "part), %.0f records/s; target <= 30 s for 1,000,000: %s%n", store, o.sent(), seconds,
                        o.recordsPerSecond(), records >= 1_000_000 ? (seconds <= 30 ? "met" : "MISSED") : "n/a (fewer records)");
                System.out.printf("RESULT result %s: matched %d, differing %d, missing in store %d, missing at CS %d, "
                        + "in %d part(s)%n", o.exact() ? "exactly right" : "WRONG", o.got().matched(), o.got().differing(),
                        o.got().missingInStore(), o.got().missingAtCs(), o.parts());
                System.out.printf("RESULT gateway memory: peak heap %s MiB (limit 1024), RSS %d MiB before the check, %d MiB "
                        + "after, peak RSS %d MiB%n", gateway.reportedPeakHeapMiB().map(String::valueOf).orElse("?"),
                        memStart[0], memEnd[0], memEnd[1]);
                return o.exact() ? 0 : 1;
            }
        }
    }

    @Command(name = "agency", mixinStandardHelpOptions = true,
            description = {"One agency request file end to end: the honnin store is seeded directly (bulk COPY, not "
                    + "counted), then agency shuzei (business SHUZEI-TAX) sends one signed and encrypted file over its "
                    + "SFTP drop folder asking by 住民票コード (~40%), 個人番号 (~20%), name kana and birth date (~30%), "
                    + "for persons outside Tokyo (~5%, answered by the national simulator) and for another agency's "
                    + "business (~5%, to be REFUSED); timed from the start of the upload to the verified, decrypted "
                    + "answer, and every row's status checked against what the file implies.",
                    "The gateway runs with juki.agency.approval-rows at least --rows, so the file needs no manager's "
                            + "approval.",
                    "Exit codes: 0 every row answered as the file implies; 1 some row not; 2 no connection or no answer "
                            + "within --timeout-s; 3 the file was refused as a whole (.err.p7m)."})
    static final class Agency implements Callable<Integer> {
        private static final String AGENCY = "shuzei";
        private static final String BUSINESS = "SHUZEI-TAX";

        @Option(names = "--rows", defaultValue = "100000", description = "Rows of the request file (default: ${DEFAULT-VALUE}).")
        int rows;
        @Option(names = "--persons", defaultValue = "1000000",
                description = "Persons seeded into the honnin store (default: ${DEFAULT-VALUE}).")
        int persons;
        @Option(names = "--municipality", defaultValue = "131121", description = "Municipality of the seeded persons "
                + "(default: ${DEFAULT-VALUE}, 世田谷区).")
        String municipality;
        @Option(names = "--timeout-s", defaultValue = "600", description = "Seconds to wait for the answer (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the request file (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--data", defaultValue = "data/bench-agency", description = "Data directory, emptied first.")
        Path data;
        @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
        Path keystores;
        @Option(names = "--set", description = "Gateway configuration overrides, key=value.")
        Map<String, String> set = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
            Path agenciesFile = Path.of("config/agencies.yaml");
            new DevPki(keystores, "juki-dev".toCharArray()).init(DevIdentities.of(tokyo, agenciesFile));
            List<String> foreignBusinesses = AgencyDirectory.load(agenciesFile).agencies().stream()
                    .filter(a -> !a.id().equals(AGENCY)).flatMap(a -> a.businesses().keySet().stream()).sorted().toList();
            DemoCommand.deleteTree(data);
            Files.createDirectories(data);
            KeyMaterial keys = new KeyMaterial(keystores, "juki-dev".toCharArray(), Duration.ofSeconds(5));
            // enough persons outside Tokyo that no national row repeats another
            int population = Math.max(NationalSimulator.DEFAULT_POPULATION, rows / 20 + 1000);
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("juki.agency.approval-rows", Integer.toString(Math.max(1_000_000, rows)));
            settings.putAll(set);
            try (NationalSimulator national = NationalSimulator.start(keys.sslContext(Identities.NATIONAL,
                    Identities.exactly(Identities.GATEWAY), "national-sim"), 0, null, population);
                 NationalSimulator fuhyoNational = NationalSimulator.startFuhyo(keys.sslContext(Identities.NATIONAL_FUHYO,
                         Identities.exactly(Identities.GATEWAY), "national-fuhyo-sim"), 0, null)) {
                List<String> extra = new ArrayList<>(List.of("--keystores", keystores.toString(),
                        "--set", "juki.national-fuhyo.port=" + fuhyoNational.port()));
                settings.forEach((k, v) -> extra.addAll(List.of("--set", k + "=" + v)));
                try (GatewayProcess gateway = GatewayProcess.start(data.resolve("gateway"), Ports.free(), national.port(),
                        extra)) {
                    // a benchmark stopped from outside (Ctrl-C, SIGTERM) stops its gateway too, instead of orphaning it
                    Thread stopGateway = new Thread(gateway::close, "bench-agency-stop-gateway");
                    Runtime.getRuntime().addShutdownHook(stopGateway);
                    System.out.printf("bench agency: one file of %d rows from agency %s (%s), %d persons of %s (%s) in "
                                    + "the honnin store, gateway pid %d (-Xmx1g) with --set juki.agency.approval-rows=%s "
                                    + "(no manager's approval needed for this file)%n", rows, AGENCY, BUSINESS, persons,
                            municipality, tokyo.name(municipality), gateway.pid(),
                            settings.get("juki.agency.approval-rows"));
                    ResidentSet residents = new ResidentSet(municipality, tokyo.name(municipality), 1);
                    seed(gateway, residents);

                    long t0 = System.nanoTime();
                    List<String> outsideTokyo = new ArrayList<>(population);
                    for (int i = 0; i < population; i++) {
                        outsideTokyo.add(national.person(i).get("juminhyoCode").asText());
                    }
                    AgencyRequestFile.Built file = AgencyRequestFile.mixed(rows, residents, persons, outsideTokyo,
                            BUSINESS, foreignBusinesses, seed);
                    System.out.printf("request file: %d rows, %d bytes, by kind %s, made in %.1f s (not counted)%n",
                            file.rows(), file.csv().length, file.byKind(), (System.nanoTime() - t0) / 1e9);

                    long[] memStart = gateway.memoryMiB();
                    Outcome outcome = send(gateway.sftpPort(), file);
                    long[] memEnd = gateway.memoryMiB();
                    gateway.stop(Duration.ofSeconds(40));
                    Runtime.getRuntime().removeShutdownHook(stopGateway);
                    outcome.report().forEach(System.out::println);
                    System.out.printf("RESULT gateway memory: peak heap %s MiB (limit 1024), RSS %d MiB before the file, "
                                    + "%d MiB after, peak RSS %d MiB%n",
                            gateway.reportedPeakHeapMiB().map(String::valueOf).orElse("?"), memStart[0], memEnd[0],
                            memEnd[1]);
                    return outcome.exitCode();
                }
            }
        }

        /** Seeds the honnin store with the first {@code persons} of the set, not over the wire and not counted. */
        private void seed(GatewayProcess gateway, ResidentSet residents) throws SQLException {
            long t0 = System.nanoTime();
            String url = "jdbc:postgresql://localhost:" + gateway.dbPort() + "/postgres";
            long seeded;
            try (Connection c = DriverManager.getConnection(url, "juki_honnin", gateway.dbPassword("juki_honnin"))) {
                seeded = HonninBulkLoad.load(c, LongStream.range(0, persons)
                        .mapToObj(residents::honnin).iterator(), persons, municipality);
            }
            try (Connection c = DriverManager.getConnection(url, "postgres", gateway.dbPassword("postgres"));
                 Statement s = c.createStatement()) {
                // settle the freshly loaded table as a long-lived store is: statistics, hint bits, visibility map
                s.execute("VACUUM ANALYZE honnin.resident");
            }
            System.out.printf("seeded %d persons directly into the honnin store in %.1f s (bulk COPY, not over the wire; "
                    + "not counted)%n", seeded, (System.nanoTime() - t0) / 1e9);
        }

        /** Signs, encrypts, uploads and waits; then checks every row against what the file implies. */
        private Outcome send(int sftpPort, AgencyRequestFile.Built file) throws InterruptedException {
            String name = "bench-" + rows;
            try (AgencyClient client = AgencyClient.connect(new AgencyClient.Options("localhost", sftpPort, AGENCY,
                    keystores, null, Duration.ofMillis(100)))) {
                long t0 = System.nanoTime();
                byte[] request = client.protect(file.csv());
                System.out.printf("signed and encrypted in %.1f s (%d bytes; not counted)%n", (System.nanoTime() - t0) / 1e9,
                        request.length);
                long start = System.nanoTime();
                client.upload(name, request);
                double uploaded = (System.nanoTime() - start) / 1e9;
                AgencyAnswer answer = client.awaitAnswer(name, Duration.ofSeconds(timeoutSeconds));
                return new Outcome(file, answer, null, uploaded, (System.nanoTime() - start) / 1e9);
            } catch (IOException | TimeoutException | AgencyClient.UntrustedAnswer e) {
                return new Outcome(file, null, e.getMessage(), 0, 0);
            }
        }

        /** What came back, compared row by row with what the file implies. */
        private static final class Outcome {
            private final AgencyRequestFile.Built file;
            private final AgencyAnswer answer;
            private final String failure;
            private final double uploadSeconds;
            private final double seconds;
            /** request id → status answered; "answered twice" for a request id with two rows */
            private final Map<String, String> answered = new HashMap<>();

            Outcome(AgencyRequestFile.Built file, AgencyAnswer answer, String failure, double uploadSeconds,
                    double seconds) {
                this.file = file;
                this.answer = answer;
                this.failure = failure;
                this.uploadSeconds = uploadSeconds;
                this.seconds = seconds;
                if (answer instanceof AgencyAnswer.Result result) {
                    for (AgencyAnswer.Row r : result.rows()) {
                        if (answered.put(r.requestId(), r.status()) != null) {
                            answered.put(r.requestId(), "answered twice");
                        }
                    }
                }
            }

            /** "expected→got" → rows, for the rows not answered as expected (and rows the file did not ask). */
            Map<String, Long> mismatches() {
                Map<String, Long> wrong = new TreeMap<>();
                for (int i = 0; i < file.rows(); i++) {
                    String got = answered.get(AgencyRequestFile.requestId(i));
                    if (!file.expected(i).equals(got)) {
                        wrong.merge(file.expected(i) + "→" + (got == null ? "no row" : got), 1L, Long::sum);
                    }
                }
                long unasked = answered.size() - IntStream.range(0, file.rows())
                        .filter(i -> answered.containsKey(AgencyRequestFile.requestId(i))).count();
                if (unasked > 0) {
                    wrong.put("rows for request ids the file does not have", unasked);
                }
                return wrong;
            }

            /** Rows of {@code kind} answered with the status that kind expects. */
            long asExpected(AgencyRequestFile.Kind kind) {
                return IntStream.range(0, file.rows()).filter(i -> file.kinds().get(i) == kind
                        && kind.expected().equals(answered.get(AgencyRequestFile.requestId(i)))).count();
            }

            List<String> report() {
                if (failure != null) {
                    return List.of("RESULT agency request: FAILED, " + failure);
                }
                if (answer instanceof AgencyAnswer.FileError error) {
                    return List.of("RESULT agency request: REFUSED as a whole (" + error.file() + "): " + error.reason());
                }
                AgencyAnswer.Result result = (AgencyAnswer.Result) answer;
                int n = result.rows().size();
                List<String> lines = new ArrayList<>();
                lines.add(String.format("RESULT agency request: %d rows answered in %.1f s (start of the upload to the "
                                + "verified, decrypted answer; the upload itself %.1f s), %.0f rows/s; target <= 30 s "
                                + "for 100,000 rows: %s", n, seconds, uploadSeconds, n / seconds,
                        file.rows() >= 100_000 ? (seconds <= 30 ? "met" : "MISSED") : "n/a (fewer rows)"));
                lines.add("RESULT statuses: " + result.summary());
                Map<String, Long> got = result.byStatus();
                lines.add("RESULT expected/got by status: " + file.expectedByStatus().entrySet().stream()
                        .filter(e -> e.getValue() > 0 || got.get(e.getKey()) > 0)
                        .map(e -> e.getKey() + " " + e.getValue() + "/" + got.get(e.getKey()))
                        .collect(Collectors.joining(", ")));
                lines.add("RESULT rows answered as expected, by kind: " + file.byKind().entrySet().stream()
                        .map(e -> String.format("%s %d of %d (%s)", e.getKey(), asExpected(e.getKey()), e.getValue(),
                                e.getKey().expected()))
                        .collect(Collectors.joining(", ")));
                lines.add(String.format("RESULT refused rows (another agency's business): expected REFUSED %d, got REFUSED %d",
                        file.byKind().get(AgencyRequestFile.Kind.REFUSED), asExpected(AgencyRequestFile.Kind.REFUSED)));
                Map<String, Long> wrong = mismatches();
                lines.add("RESULT every row answered as the file implies: " + (wrong.isEmpty() ? "yes" : "NO, " + wrong));
                return lines;
            }

            /** 0 every row as expected; 1 some not; 2 no connection or no answer in time; 3 the file refused as a whole. */
            int exitCode() {
                if (failure != null) {
                    return 2;
                }
                if (answer instanceof AgencyAnswer.FileError) {
                    return 3;
                }
                return mismatches().isEmpty() ? 0 : 1;
            }
        }
    }
}

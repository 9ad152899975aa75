package jp.tokyo.juki.harness;

import jp.tokyo.juki.assembly.DevIdentities;

import jp.tokyo.juki.platform.FileTrees;
import jp.tokyo.juki.platform.Ports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.AgencyAnswer;
import jp.tokyo.juki.sim.AgencyClient;
import jp.tokyo.juki.sim.AgencyRequestFile;
import jp.tokyo.juki.sim.ConsistencySimulator;
import jp.tokyo.juki.sim.ResidentSet;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.Store;
import jp.tokyo.juki.sim.NationalSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway demo}: the main job on a fresh machine. Dev PKI if absent, the gateway as its
 * own process, a national simulator, several CS simulators for about a minute (one of them also
 * sending deliberately bad messages), then a report. Exits 0 only if every acknowledged update
 * reached the national simulator and every bad message got the code it should.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the gateway with a national simulator and several CS simulators, then report.")
public final class DemoCommand implements Callable<Integer> {
    private static final List<String> MUNICIPALITIES = List.of("131016", "131121", "132012", "134210");
    /** the CS that sends FUHYO_UPDATE traffic for the annexes it keeps (渋谷区) */
    private static final String FUHYO_MUNICIPALITY = "131130";
    /** the CS that runs one consistency check (整合) on a set it loaded first (武蔵野市) */
    private static final String CHECK_MUNICIPALITY = "132039";
    /** more than juki.agency.approval-rows (10,000): the bulk request needs a manager's approval */
    private static final int AGENCY_ROWS = 12_000;
    /** the residents of {@link #CHECK_MUNICIPALITY} the consistency step loads over the CS line */
    private static final int CHECK_PERSONS = 5_000;

    @Option(names = "--seconds", defaultValue = "60", description = "How long the CS simulators send (default: ${DEFAULT-VALUE}).")
    int seconds;
    @Option(names = "--rate", defaultValue = "50", description = "Updates per second per CS (default: ${DEFAULT-VALUE}).")
    int rate;
    @Option(names = "--data", defaultValue = "data/demo", description = "Demo data directory, emptied first (default: ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory; a development PKI is made if absent.")
    Path keystores;
    @Option(names = "--municipalities", defaultValue = "config/municipalities.csv", description = "Municipality list.")
    Path municipalities;

    private DemoOperators operators;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Municipalities tokyo = Municipalities.load(municipalities);
        List<String> created = new DevPki(keystores, "juki-dev".toCharArray())
                .init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
        System.out.printf("PKI: %s%n", created.isEmpty() ? "present in " + keystores : created.size() + " identities created in " + keystores);
        deleteTree(data);
        Files.createDirectories(data);
        KeyMaterial keys = new KeyMaterial(keystores, "juki-dev".toCharArray(), Duration.ofSeconds(5));
        int csPort = Ports.free();
        try (NationalSimulator national = NationalSimulator.start(
                keys.sslContext(Identities.NATIONAL, Identities.exactly(Identities.GATEWAY), "national-sim"), 0,
                data.resolve("national-notices.jsonl"));
             NationalSimulator fuhyoNational = NationalSimulator.startFuhyo(keys.sslContext(Identities.NATIONAL_FUHYO,
                     Identities.exactly(Identities.GATEWAY), "national-fuhyo-sim"), 0, data.resolve("fuhyo-notices.jsonl"));
             GatewayProcess gateway = GatewayProcess.start(data.resolve("gateway"), csPort, national.port(),
                     List.of("--keystores", keystores.toString(), "--set", "juki.national-fuhyo.port=" + fuhyoNational.port()))) {
            System.out.printf("gateway up (pid %d, CS port %d, operator port %d); national simulator on port %d, fuhyo national "
                    + "simulator on port %d%n", gateway.pid(), csPort, gateway.operatorPort(), national.port(), fuhyoNational.port());
            operators = DemoOperators.setUp(data.resolve("gateway"), keystores, gateway.operatorPort());
            operators.report().forEach(line -> System.out.println("  " + line));
            ExecutorService pool = Executors.newFixedThreadPool(MUNICIPALITIES.size() + 1);
            List<Future<CsSimulator.Result>> futures = new ArrayList<>();
            for (int i = 0; i < MUNICIPALITIES.size(); i++) {
                String code = MUNICIPALITIES.get(i);
                boolean bad = i == 0;
                CsSimulator sim = new CsSimulator(
                        keys.sslContext(Identities.cs(code), Identities.exactly(Identities.GATEWAY), "cs-sim"),
                        new CsSimulator.Options("localhost", csPort, code, tokyo.name(code), rate * seconds, rate, 2,
                                bad, System.nanoTime() + i));
                futures.add(pool.submit(sim::run));
            }
            Future<CsSimulator.Result> fuhyoFuture = pool.submit(new CsSimulator(keys.sslContext(
                    Identities.cs(FUHYO_MUNICIPALITY), Identities.exactly(Identities.GATEWAY), "cs-sim"),
                    new CsSimulator.Options("localhost", csPort, FUHYO_MUNICIPALITY, tokyo.name(FUHYO_MUNICIPALITY),
                            rate * seconds, rate, 2, false, System.nanoTime(), "FUHYO"))::run);
            List<CsSimulator.Result> results = new ArrayList<>();
            for (Future<CsSimulator.Result> f : futures) {
                results.add(f.get());
            }
            CsSimulator.Result fuhyo = fuhyoFuture.get();
            pool.shutdown();
            String query = nationalQuery(national);
            ConsistencySimulator.Outcome check = new ConsistencySimulator(keys.sslContext(Identities.cs(CHECK_MUNICIPALITY),
                    Identities.exactly(Identities.GATEWAY), "cs-sim"), new ConsistencySimulator.Options("localhost", csPort,
                    CHECK_MUNICIPALITY, tokyo.name(CHECK_MUNICIPALITY), Store.HONNIN, CHECK_PERSONS, 0.02, true, 1, 1000, 8, 2,
                    false)).run();
            AgencyStep agency = agencyRequests(gateway, keystores, tokyo, national);
            DemoPeople.Outcome people = DemoPeople.run(operators, agency.residents(), CHECK_PERSONS, agency.bulkCsv(), data);

            long acked = results.stream().mapToLong(CsSimulator.Result::acked).sum();
            List<String[]> ackedOrigins = new ArrayList<>();
            results.forEach(r -> r.ackedIds().forEach(id -> ackedOrigins.add(new String[]{r.municipality(), id})));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long missing;
            long fuhyoMissing;
            do {
                missing = ackedOrigins.stream().filter(o -> !national.hasOrigin(o[0], o[1])).count();
                fuhyoMissing = fuhyo.ackedIds().stream().filter(id -> !fuhyoNational.hasOrigin(FUHYO_MUNICIPALITY, id)).count();
                if (missing + fuhyoMissing > 0) {
                    GatewayProcess.sleep(250);
                }
            } while (missing + fuhyoMissing > 0 && System.nanoTime() < deadline);
            long expectedAudit = results.stream().mapToLong(CsSimulator.Result::sent).sum() + national.noticeCount()
                    + fuhyo.sent() + fuhyoNational.noticeCount();
            long audit = 0;
            deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && (audit = gateway.queryLong("SELECT count(*) FROM audit.record")) < expectedAudit) {
                GatewayProcess.sleep(250);
            }
            long stored = gateway.queryLong("SELECT count(*) FROM honnin.resident");
            long annexes = gateway.queryLong("SELECT count(*) FROM fuhyo.person");
            int exit = gateway.stop(Duration.ofSeconds(40));
            operators.close();

            System.out.println();
            System.out.println("=== juki-gateway demo report ===");
            results.forEach(r -> Reports.printCs(System.out, r));
            Map<String, Long> refused = new TreeMap<>();
            results.forEach(r -> r.nackByCode().forEach((k, v) -> refused.merge(k, v, Long::sum)));
            long sent = results.stream().mapToLong(CsSimulator.Result::sent).sum();
            long dups = results.stream().mapToLong(CsSimulator.Result::duplicates).sum();
            boolean badOk = results.stream().flatMap(r -> r.bad().stream()).allMatch(CsSimulator.BadOutcome::asExpected);
            System.out.printf("sent %d, acknowledged %d, duplicates %d, refused by code %s%n", sent, acked, dups, refused);
            System.out.printf("national simulator: %d notices received (%d repeats dropped); acknowledged but not received: %d%n",
                    national.noticeCount(), national.repeats(), missing);
            System.out.println("fuhyo (附票) traffic:");
            Reports.printCs(System.out, fuhyo);
            System.out.printf("fuhyo national simulator: %d notices received (%d repeats dropped); acknowledged but not received: %d%n",
                    fuhyoNational.noticeCount(), fuhyoNational.repeats(), fuhyoMissing);
            System.out.printf("honnin store: %d persons; fuhyo store: %d persons; audit records written: %d (expected at least %d)%n",
                    stored, annexes, audit, expectedAudit);
            System.out.println("operators (certificate + password, through the operator API):");
            operators.report().forEach(line -> System.out.println("  " + line));
            System.out.printf("national query (%s, operator command): %s%n", DemoOperators.SEARCHER, query);
            System.out.printf("consistency check (整合) of %s, 5,000 persons loaded over the CS line, 2%% planted drift:%n%s",
                    CHECK_MUNICIPALITY, check.report());
            System.out.println("agency requests over the SFTP drop folders:");
            agency.report().forEach(line -> System.out.println("  " + line));
            System.out.println("search, disclosure and statistics (operator commands through the operator API):");
            people.report().forEach(line -> System.out.println("  " + line));
            System.out.printf("deliberately bad messages answered as expected: %s%n", badOk ? "yes" : "NO");
            System.out.printf("gateway stopped with SIGTERM, exit code %d; demo took %d s%n", exit,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            boolean queryOk = query.startsWith("FOUND");
            boolean ok = missing == 0 && fuhyoMissing == 0 && fuhyo.acked() > 0 && badOk && audit >= expectedAudit && queryOk
                    && check.exact() && agency.ok() && operators.ok() && people.ok();
            System.out.println(ok ? "RESULT: OK — every acknowledged update reached its national server; operators were "
                    + "issued and logged in with certificate and password; the query was answered; "
                    + "the consistency check named exactly the planted differences; the agency's bulk request was "
                    + "approved and answered as its file implies, and the file signed by another agency was refused; a "
                    + "search found the resident, whose disclosure form names the agency their record went to, and the "
                    + "fiscal year's statistics were made"
                    : "RESULT: FAILED");
            return ok ? 0 : 1;
        }
    }

    /** What the agency part of the demo saw. */
    private record AgencyStep(boolean ok, List<String> report, ResidentSet residents, byte[] bulkCsv) {
    }

    /**
     * Two agencies at their SFTP drop folders: 主税局 sends a bulk request of {@value #AGENCY_ROWS}
     * rows about the persons 武蔵野市 loaded (mixed key types, some outside Tokyo, some for another
     * agency's business) — more than {@code juki.agency.approval-rows}, so it waits until a manager
     * approves it with {@code ./gateway approvals approve}, logged in to the operator API — and 水道局's folder receives a file
     * signed by 主税局, which is refused ({@code A110}).
     */
    private AgencyStep agencyRequests(GatewayProcess gateway, Path keystores, Municipalities tokyo,
                                      NationalSimulator national) throws Exception {
        List<String> report = new ArrayList<>();
        ResidentSet residents = new ResidentSet(CHECK_MUNICIPALITY, tokyo.name(CHECK_MUNICIPALITY), 1);
        List<String> outsideTokyo = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            outsideTokyo.add(national.person(i).get("juminhyoCode").asText());
        }
        AgencyRequestFile.Built bulk = AgencyRequestFile.mixed(AGENCY_ROWS, residents, CHECK_PERSONS, outsideTokyo, "SHUZEI-TAX",
                List.of("SUIDO-FEE", "KEISHICHO-LICENSE"), 7);
        boolean ok;
        try (AgencyClient shuzei = AgencyClient.connect(new AgencyClient.Options("localhost", gateway.sftpPort(), "shuzei",
                keystores, null));
             AgencyClient suido = AgencyClient.connect(new AgencyClient.Options("localhost", gateway.sftpPort(), "suido",
                     keystores, null))) {
            long t0 = System.nanoTime();
            shuzei.submit("demo-bulk", bulk.csv());
            String waiting = approvals("list");
            for (int i = 0; i < 120 && !waiting.contains("agency-shuzei"); i++) {
                GatewayProcess.sleep(250);
                waiting = approvals("list");
            }
            String id = waiting.lines().filter(l -> l.contains("agency-shuzei")).map(l -> l.strip().split("\\s+")[0])
                    .findFirst().orElse("none");
            report.add("主税局 bulk request of " + bulk.rows() + " rows waits: " + waiting.lines().findFirst().orElse(""));
            report.add(approvals("approve " + id).strip() + " (as " + DemoOperators.MANAGER + ")");
            AgencyAnswer answer = shuzei.awaitAnswer("demo-bulk", Duration.ofSeconds(120));
            boolean bulkOk = answer instanceof AgencyAnswer.Result r && r.byStatus().equals(bulk.expectedByStatus());
            report.add(String.format("answered %.1f s after upload (approval included): %s; as the file implies: %s",
                    (System.nanoTime() - t0) / 1e9, answer instanceof AgencyAnswer.Result r ? r.summary()
                            : ((AgencyAnswer.FileError) answer).reason(), bulkOk ? "yes" : "NO"));

            suido.upload("demo-forged", shuzei.protect("request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,birth_date,sex,address\r\nf1,SUIDO-FEE,JUMINHYO_CODE,"
                    .concat(residents.code(0)).concat(",,,,,,\r\n").getBytes(StandardCharsets.UTF_8)));
            AgencyAnswer forged = suido.awaitAnswer("demo-forged", Duration.ofSeconds(60));
            boolean refusedOk = forged instanceof AgencyAnswer.FileError e && e.code().equals("A110");
            report.add("水道局's folder, a file signed by 主税局: " + (forged instanceof AgencyAnswer.FileError e ? e.reason()
                    : "answered (WRONG)"));
            long provisions = gateway.queryLong("SELECT count(*) FROM agency.provision");
            report.add("provision records: " + provisions + " (one per row of the bulk request)");
            ok = bulkOk && refusedOk && provisions == bulk.rows();
        }
        return new AgencyStep(ok, report, residents, bulk.csv());
    }

    /** {@code ./gateway approvals …} as the demo's manager, through the operator API; returns what it printed. */
    private String approvals(String args) {
        return operators.as(DemoOperators.MANAGER, ("approvals " + args).split(" ")).output();
    }

    /**
     * One query to the national server about a person of another prefecture, as the demo's searcher
     * asks it ({@code ./gateway query national} through the operator API, audited with the searcher
     * and the purpose before anything is sent); returns its outcome.
     */
    private String nationalQuery(NationalSimulator national) {
        String code = national.person(0).get("juminhyoCode").asText();
        DemoOperators.Run run = operators.as(DemoOperators.SEARCHER, "query", "national", "--juminhyo-code", code,
                "--reason", "デモ: 転入届の本人確認");
        String first = run.output().lines().findFirst().orElse("no output");
        return (run.exit() == 0 /* query national: FOUND */ ? "FOUND — " : "exit " + run.exit() + " — ") + first;
    }

    static void deleteTree(Path dir) throws IOException {
        FileTrees.delete(dir);
    }
}

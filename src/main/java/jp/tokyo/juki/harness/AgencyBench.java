package jp.tokyo.juki.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.assembly.DevIdentities;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.AgencyAnswer;
import jp.tokyo.juki.sim.AgencyClient;
import jp.tokyo.juki.sim.AgencyRequestFile;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.sim.ResidentSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gateway bench agency}: one agency request file end to end over the SFTP drop folder. */
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
final class AgencyBench implements Callable<Integer> {
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
                                + "the honnin store, gateway pid %d (-Xms1g -Xmx1g) with --set juki.agency.approval-rows=%s "
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
                AgencyBenchOutcome outcome = send(gateway.sftpPort(), file);
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
        long seeded = HonninSeed.seed(gateway, residents, persons, municipality);
        System.out.printf("seeded %d persons directly into the honnin store in %.1f s (bulk COPY, not over the wire; "
                + "not counted)%n", seeded, (System.nanoTime() - t0) / 1e9);
    }

    /** Signs, encrypts, uploads and waits; then checks every row against what the file implies. */
    private AgencyBenchOutcome send(int sftpPort, AgencyRequestFile.Built file) throws InterruptedException {
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
            return new AgencyBenchOutcome(file, answer, null, uploaded, (System.nanoTime() - start) / 1e9);
        } catch (IOException | TimeoutException | AgencyClient.UntrustedAnswer e) {
            return new AgencyBenchOutcome(file, null, e.getMessage(), 0, 0);
        }
    }
}

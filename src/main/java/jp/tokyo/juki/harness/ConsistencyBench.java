package jp.tokyo.juki.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.assembly.DevIdentities;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.ConsistencySimulator;
import jp.tokyo.juki.sim.ResidentSet;
import jp.tokyo.juki.sim.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gateway bench consistency}: one municipality's consistency check (整合) end to end. */
@Command(name = "consistency", mixinStandardHelpOptions = true,
        description = {"The consistency check (整合) of one municipality end to end over mTLS: the store is seeded",
                "directly (bulk COPY, bypassing the wire), then a CS sends the whole set with a known drift."})
final class ConsistencyBench implements Callable<Integer> {
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
            System.out.printf("bench consistency: %d persons of %s (%s), drift %.3f, gateway pid %d (-Xms1g -Xmx1g)%n",
                    records, municipality, tokyo.name(municipality), drift, gateway.pid());
            ResidentSet residents = new ResidentSet(municipality,
                    tokyo.name(municipality), 1);
            long t0 = System.nanoTime();
            long seeded = HonninSeed.seed(gateway, residents, records, municipality);
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

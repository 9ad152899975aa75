package jp.tokyo.juki.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.ConsistencySimulator;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.sim.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gateway sim national|cs}: peers that speak PROTOCOL.md over the real wire. */
@Command(name = "sim", mixinStandardHelpOptions = true, description = "Peer simulators.",
        subcommands = {SimCommand.National.class, SimCommand.Cs.class})
public final class SimCommand {

    @Command(name = "national", mixinStandardHelpOptions = true,
            description = {"A national server: mTLS, ACKs every notice, drops repeats of an origin, and answers "
                    + "HONNIN_QUERY from a generated population outside Tokyo plus everyone it was notified of.",
                    "With --fuhyo the fuhyo national server (identity national-fuhyo): FUHYO_NOTICE and FUHYO_QUERY."})
    static final class National implements Callable<Integer> {
        @Option(names = "--fuhyo", description = "Be the fuhyo national server (default port 7544).")
        boolean fuhyo;
        @Option(names = "--port", description = "Listen port (default: 7543, with --fuhyo 7544).")
        Integer port;
        @Option(names = "--population", defaultValue = "10000",
                description = "Generated persons the queries are answered from (default: ${DEFAULT-VALUE}).")
        int population;
        @Option(names = "--record", description = "Append each first-seen notice to this file as one JSON line.")
        Path record;
        @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
        Path keystores;
        @Option(names = "--password", defaultValue = "juki-dev", description = "PKCS#12 password.")
        String password;

        @Override
        public Integer call() throws Exception {
            KeyMaterial keys = new KeyMaterial(keystores, password.toCharArray(), Duration.ofSeconds(5));
            String identity = fuhyo ? Identities.NATIONAL_FUHYO : Identities.NATIONAL;
            javax.net.ssl.SSLContext tls = keys.sslContext(identity, Identities.exactly(Identities.GATEWAY), identity + "-sim");
            int listen = port != null ? port : fuhyo ? 7544 : 7543;
            try (NationalSimulator sim = fuhyo ? NationalSimulator.startFuhyo(tls, listen, record, population)
                    : NationalSimulator.start(tls, listen, record, population)) {
                System.out.printf("%s simulator listening on port %d (%d generated persons)%n",
                        fuhyo ? "fuhyo national" : "national", sim.port(), population);
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    System.out.printf("%s simulator: %d notices, %d repeats dropped, %d refused, %d queries answered%n",
                            fuhyo ? "fuhyo national" : "national", sim.noticeCount(), sim.repeats(), sim.refused(),
                            sim.queries());
                    stop.countDown();
                }));
                stop.await();
            }
            return 0;
        }
    }

    @Command(name = "cs", mixinStandardHelpOptions = true,
            description = {"A municipal CS sending a realistic mix of HONNIN_UPDATE (or, --store FUHYO, FUHYO_UPDATE) notifications,",
                    "or (--consistency) running the consistency check (整合) with a known drift."})
    static final class Cs implements Callable<Integer> {
        @Option(names = "--municipality", required = true, description = "6-digit municipality code, e.g. 131016.")
        String municipality;
        @Option(names = "--count", defaultValue = "1000", description = "Updates to send (default: ${DEFAULT-VALUE}).")
        int count;
        @Option(names = "--rate", defaultValue = "0", description = "Updates per second, 0 = as fast as replies allow.")
        double rate;
        @Option(names = "--connections", defaultValue = "1", description = "Parallel connections (default: ${DEFAULT-VALUE}).")
        int connections;
        @Option(names = "--host", defaultValue = "localhost", description = "Gateway host.")
        String host;
        @Option(names = "--port", defaultValue = "7443", description = "Gateway CS port (default: ${DEFAULT-VALUE}).")
        int port;
        @Option(names = "--bad", description = "Finish with deliberately bad messages, each expecting its code.")
        boolean bad;
        @Option(names = "--seed", description = "Random seed (default: time; with --consistency 1, so that a check "
                + "finds the set an earlier --load stored).")
        Long seed;
        @Option(names = "--store", defaultValue = "HONNIN",
                description = "Store the messages are for: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        Store store;
        @Option(names = "--consistency", description = "Run the consistency check (CONSISTENCY_BEGIN/RECORDS/END) "
                + "instead of sending updates; exit 0 only if the result names exactly the planted differences.")
        boolean consistency;
        @Option(names = "--records", defaultValue = "10000",
                description = "--consistency: persons in the municipality's set (default: ${DEFAULT-VALUE}).")
        int records;
        @Option(names = "--drift", defaultValue = "0.01", description = "--consistency: share of deliberate "
                + "differences: a third changed, a third left out, as many again extra (default: ${DEFAULT-VALUE}).")
        double drift;
        @Option(names = "--load", description = "--consistency: first send the set as entries (MOVE_IN), pipelined "
                + "over --connections, so the store holds exactly it (the municipality should hold nobody else).")
        boolean load;
        @Option(names = "--chunk", defaultValue = "1000", description = "--consistency: records per chunk (default: ${DEFAULT-VALUE}).")
        int chunk;
        @Option(names = "--window", defaultValue = "8", description = "--consistency: chunks in flight (default: ${DEFAULT-VALUE}).")
        int window;
        @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
        Path keystores;
        @Option(names = "--password", defaultValue = "juki-dev", description = "PKCS#12 password.")
        String password;
        @Option(names = "--municipalities", defaultValue = "config/municipalities.csv", description = "Municipality list.")
        Path municipalities;

        @Override
        public Integer call() throws Exception {
            KeyMaterial keys = new KeyMaterial(keystores, password.toCharArray(), Duration.ofSeconds(5));
            String name = Municipalities.load(municipalities).name(municipality);
            javax.net.ssl.SSLContext tls =
                    keys.sslContext(Identities.cs(municipality), Identities.exactly(Identities.GATEWAY), "cs-sim");
            if (consistency) {
                ConsistencySimulator.Outcome o = new ConsistencySimulator(tls, new ConsistencySimulator.Options(host, port,
                        municipality, name == null ? "" : name, store, records, drift, load, seed == null ? 1 : seed, chunk,
                        window, connections, false)).run();
                System.out.print(o.report());
                return o.exact() ? 0 : 1;
            }
            CsSimulator.Result r = new CsSimulator(tls,
                    new CsSimulator.Options(host, port, municipality, name == null ? "" : name, count, rate,
                            connections, bad, seed == null ? System.nanoTime() : seed, store.name())).run();
            Reports.printCs(System.out, r);
            return r.failed() == 0 && r.bad().stream().allMatch(CsSimulator.BadOutcome::asExpected) ? 0 : 1;
        }
    }
}

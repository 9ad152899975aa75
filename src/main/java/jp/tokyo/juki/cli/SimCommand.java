package jp.tokyo.juki.cli;

import jp.tokyo.juki.harness.Reports;
import jp.tokyo.juki.assembly.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.AgencyAnswer;
import jp.tokyo.juki.sim.AgencyClient;
import jp.tokyo.juki.sim.ConsistencySimulator;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.sim.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gateway sim national|cs|agency}: peers that speak PROTOCOL.md over the real wire. */
@Command(name = "sim", mixinStandardHelpOptions = true, description = "Peer simulators.",
        subcommands = {SimCommand.National.class, SimCommand.Cs.class, SimCommand.Agency.class})
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
            SSLContext tls = keys.sslContext(identity, Identities.exactly(Identities.GATEWAY), identity + "-sim");
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
            SSLContext tls =
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

    @Command(name = "agency", mixinStandardHelpOptions = true,
            description = {"An agency sending one request file over its SFTP drop folder (PROTOCOL §4): signs the CSV "
                    + "with its agency-ID certificate, encrypts it to the gateway, uploads it to inbox/ (temporary name, "
                    + "then rename), waits for outbox/NAME.res.p7m or NAME.err.p7m, checks the gateway's signature, "
                    + "decrypts it and collects it (removes it from outbox/). The SFTP host key must be the one in "
                    + "KEYSTORES/sftp-host.key.pub, or one a --known-hosts file lists.",
                    "Exit codes: 0 answered (.res.p7m); 3 the file was refused (.err.p7m, its reason is printed); "
                            + "2 no connection, or no answer within --timeout-s; 1 an answer that could not be verified "
                            + "or read (left in outbox/)."})
    static final class Agency implements Callable<Integer> {
        @Option(names = "--agency", required = true, description = "Agency ID of config/agencies.yaml (SFTP account, "
                + "certificate agency-ID), e.g. shuzei.")
        String agency;
        @Option(names = "--file", required = true, description = "The request CSV (UTF-8, header "
                + "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,birth_date,sex,address).")
        Path file;
        @Option(names = "--host", defaultValue = "localhost", description = "Gateway host (default: ${DEFAULT-VALUE}).")
        String host;
        @Option(names = "--port", defaultValue = "2222", description = "Gateway SFTP port (default: ${DEFAULT-VALUE}).")
        int port;
        @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory: agency-ID.pem and "
                + ".key.pem, gateway.pem, ca.pem, crl.pem, sftp-host.key.pub (default: ${DEFAULT-VALUE}).")
        Path keystores;
        @Option(names = "--known-hosts", description = "Check the SFTP host key against this OpenSSH known_hosts file "
                + "instead of KEYSTORES/sftp-host.key.pub; an unknown or changed key is refused.")
        Path knownHosts;
        @Option(names = "--name", description = "File name in inbox/ without .req.p7m (default: AGENCY-yyyyMMdd-HHmmss-SSS).")
        String name;
        @Option(names = "--timeout-s", defaultValue = "120", description = "Seconds to wait for the answer (default: "
                + "${DEFAULT-VALUE}).")
        long timeoutSeconds;
        @Option(names = "--out", description = "Write the decrypted result CSV here (owner-only permissions). It is "
                + "PERSONAL DATA (names, addresses, 住民票コード, 個人番号): keep it only as long as the business needs it. "
                + "Without --out only counts are shown.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (name != null && !AgencyClient.isValidName(name)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--name: 1-100 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
            }
            byte[] csv = Files.readAllBytes(file);
            String fileName = name != null ? name : agency + "-" + LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
            AgencyAnswer answer;
            long start;
            try (AgencyClient client = AgencyClient.connect(
                    new AgencyClient.Options(host, port, agency, keystores, knownHosts))) {
                byte[] request = client.protect(csv);
                start = System.nanoTime();
                client.upload(fileName, request);
                System.out.printf("agency %s: uploaded inbox/%s.req.p7m (%d bytes), waiting up to %d s for the answer%n",
                        agency, fileName, request.length, timeoutSeconds);
                answer = client.awaitAnswer(fileName, Duration.ofSeconds(timeoutSeconds));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            } catch (IOException | TimeoutException e) {
                System.out.printf("agency %s: %s%n", agency, e.getMessage());
                return 2;
            } catch (AgencyClient.UntrustedAnswer e) {
                System.out.printf("agency %s: answer not accepted: %s%n", agency, e.getMessage());
                return 1;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (answer instanceof AgencyAnswer.FileError error) {
                System.out.printf("agency %s: request refused in %.1f s (outbox/%s): %s%n", agency, seconds, error.file(),
                        error.reason());
                return 3;
            }
            AgencyAnswer.Result result = (AgencyAnswer.Result) answer;
            System.out.printf("agency %s: %d rows answered in %.1f s: %s%n", agency, result.rows().size(), seconds,
                    result.summary());
            if (out != null) {
                writeOwnerOnly(out, result.csv());
                System.out.printf("agency %s: result written to %s (personal data)%n", agency, out);
            }
            return 0;
        }

        private static void writeOwnerOnly(Path target, byte[] content) throws IOException {
            Files.deleteIfExists(target);
            try {
                Files.createFile(target, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(target); // not a POSIX file system
            }
            Files.write(target, content);
        }
    }
}

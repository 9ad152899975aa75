package jp.tokyo.juki.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import jp.tokyo.juki.assembly.DevIdentities;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./gateway pki init|revoke|issue-operator|issue-backup}: the development PKI. */
@Command(name = "pki", mixinStandardHelpOptions = true, description = "Development PKI (one CA, every identity of PROTOCOL §1).",
        subcommands = {PkiCommand.Init.class, PkiCommand.Revoke.class, PkiCommand.IssueOperator.class,
                PkiCommand.IssueBackup.class})
public final class PkiCommand {

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the CA and a certificate for gateway, national, national-fuhyo, cs-NNNNNN of "
                    + "every municipality and agency-ID of every configured agency; keeps what exists.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "${env:JUKI_KEYSTORES_DIR:-keystores}", description = "Where to write (default: ${DEFAULT-VALUE}).")
        Path dir;
        @Option(names = "--municipalities", defaultValue = "config/municipalities.csv",
                description = "Municipality list (default: ${DEFAULT-VALUE}).")
        Path municipalities;
        @Option(names = "--agencies", defaultValue = "config/agencies.yaml",
                description = "Agency list (default: ${DEFAULT-VALUE}); an agency-ID identity for each.")
        Path agencies;
        @Option(names = "--password", defaultValue = "juki-dev", description = "PKCS#12 password (default: ${DEFAULT-VALUE}).")
        String password;
        @Option(names = "--gateway-host", split = ",",
                description = "Host names or addresses of the gateway for its certificate's subjectAltName, besides "
                        + "localhost and 127.0.0.1 (comma-separated; only when its certificate is made).")
        List<String> gatewayHosts = List.of();

        @Override
        public Integer call() throws Exception {
            List<String> ids = DevIdentities.of(Municipalities.load(municipalities), agencies);
            List<String> created = new DevPki(dir, password.toCharArray(), gatewayHosts).init(ids);
            System.out.printf("PKI in %s: %d identities, %d created now%n", dir, ids.size(), created.size());
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Add an identity's certificate to crl.pem; a running gateway refuses it within a minute.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", description = "Identity, e.g. cs-131016.")
        String name;
        @Option(names = "--dir", defaultValue = "${env:JUKI_KEYSTORES_DIR:-keystores}", description = "Key directory (default: ${DEFAULT-VALUE}).")
        Path dir;
        @Option(names = "--password", defaultValue = "juki-dev", description = "PKCS#12 password.")
        String password;

        @Override
        public Integer call() throws Exception {
            boolean added = new DevPki(dir, password.toCharArray()).revoke(name);
            System.out.println(added ? "revoked: " + name : "already revoked: " + name);
            return 0;
        }
    }

    @Command(name = "issue-operator", mixinStandardHelpOptions = true,
            description = "Issue an operator's personal certificate op-<ID> (extended key usage clientAuth) from the "
                    + "development CA: op-<ID>.p12 (PKCS#12 for a Java client; importable by NSS: pk12util -i), "
                    + "op-<ID>.pem and op-<ID>.key.pem. Revoke it with 'pki revoke op-<ID>'.")
    static final class IssueOperator implements Callable<Integer> {
        /** an operator's certificate is reviewed with the register every year */
        static final Duration VALIDITY = Duration.ofDays(365);
        @Parameters(index = "0", description = "Operator ID of the register, e.g. tanaka.h (3-32 of a-z, 0-9, '.', '-', '_').")
        String id;
        @Option(names = "--dir", defaultValue = "${env:JUKI_KEYSTORES_DIR:-keystores}", description = "Key directory (default: ${DEFAULT-VALUE}).")
        Path dir;
        @Option(names = "--password", defaultValue = "juki-dev", description = "PKCS#12 password (default: ${DEFAULT-VALUE}).")
        String password;
        @Option(names = "--replace", description = "Issue again although op-<ID> exists (revoke the old one first).")
        boolean replace;

        @Override
        public Integer call() throws Exception {
            String name;
            try {
                name = DevIdentities.operator(id);
            } catch (IllegalArgumentException e) {
                System.err.println("pki issue-operator: " + e.getMessage());
                return 2;
            }
            if (!Files.exists(dir.resolve("ca.pem")) || !Files.exists(dir.resolve("ca.key.pem"))) {
                System.err.println("pki issue-operator: no CA in " + dir + " (run './gateway pki init' first)");
                return 1;
            }
            if (Files.exists(dir.resolve(name + ".p12")) && !replace) {
                System.err.println("pki issue-operator: " + name + " exists in " + dir
                        + " (to issue it again: 'pki revoke " + name + "', then --replace)");
                return 1;
            }
            Instant now = Instant.now();
            X509Certificate cert = new DevPki(dir, password.toCharArray()).issue(name, now.minus(Duration.ofMinutes(5)),
                    now.plus(VALIDITY));
            System.out.printf("issued %s (serial %s, valid until %s): %s, %s, %s%n", name, cert.getSerialNumber().toString(16),
                    cert.getNotAfter().toInstant(), dir.resolve(name + ".p12"), dir.resolve(name + ".pem"),
                    dir.resolve(name + ".key.pem"));
            return 0;
        }
    }

    @Command(name = "issue-backup", mixinStandardHelpOptions = true,
            description = "Issue the backup certificate (the recipient of './gateway backup' archives) from the development "
                    + "CA: backup.pem into the key directory, its key backup.p12 (and a copy of backup.pem) only into "
                    + "--key-dir, which must be outside the key directory: take it off the host (docs/operations/backup.md).")
    static final class IssueBackup implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "${env:JUKI_KEYSTORES_DIR:-keystores}", description = "Key directory (default: ${DEFAULT-VALUE}).")
        Path dir;
        @Option(names = "--key-dir", required = true, paramLabel = "DIR",
                description = "Where the backup key goes (e.g. a removable medium); not inside the key directory.")
        Path keyDir;
        @Option(names = "--password", defaultValue = "juki-dev", description = "PKCS#12 password (default: ${DEFAULT-VALUE}).")
        String password;
        @Option(names = "--replace", description = "Issue again although backup.pem exists (archives made before stay "
                + "readable with the old key only).")
        boolean replace;

        @Override
        public Integer call() throws Exception {
            Path keys = dir.toAbsolutePath().normalize();
            if (keyDir.toAbsolutePath().normalize().startsWith(keys)) {
                System.err.println("pki issue-backup: --key-dir must be outside " + dir + " (every backup carries that "
                        + "directory: an archive must not carry the key that opens it)");
                return 2;
            }
            if (!Files.exists(dir.resolve("ca.pem")) || !Files.exists(dir.resolve("ca.key.pem"))) {
                System.err.println("pki issue-backup: no CA in " + dir + " (run './gateway pki init' first)");
                return 1;
            }
            if (Files.exists(dir.resolve("backup.pem")) && !replace) {
                System.err.println("pki issue-backup: backup.pem exists in " + dir + " (to issue another: --replace)");
                return 1;
            }
            Instant now = Instant.now();
            X509Certificate cert = new DevPki(dir, password.toCharArray()).issueBackup(keyDir,
                    now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(825)));
            System.out.printf("issued backup (serial %s, valid until %s): %s; its key %s (keep it away from this host)%n",
                    cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant(), dir.resolve("backup.pem"),
                    keyDir.resolve("backup.p12"));
            return 0;
        }
    }
}

package jp.tokyo.juki.cli;

import jp.tokyo.juki.assembly.DevIdentities;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./gateway pki init|revoke}: the development PKI. */
@Command(name = "pki", mixinStandardHelpOptions = true, description = "Development PKI (one CA, every identity of PROTOCOL §1).",
        subcommands = {PkiCommand.Init.class, PkiCommand.Revoke.class})
public final class PkiCommand {

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the CA and a certificate for gateway, national, national-fuhyo, cs-NNNNNN of "
                    + "every municipality and agency-ID of every configured agency; keeps what exists.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "keystores", description = "Where to write (default: ${DEFAULT-VALUE}).")
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
        @Option(names = "--dir", defaultValue = "keystores", description = "Key directory (default: ${DEFAULT-VALUE}).")
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
}

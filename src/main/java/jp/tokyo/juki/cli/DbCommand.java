package jp.tokyo.juki.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway db reset-passwords}: the way back when {@code <data>/pg-credentials.properties}
 * is lost (the gateway then refuses to start): with the gateway stopped, new passwords for the
 * embedded database's roles, set by the cluster's own server in single-user mode — no moment in
 * which a login needs no password (docs/operations/sftp.md, "Embedded database").
 */
@Command(name = "db", mixinStandardHelpOptions = true, description = "The embedded PostgreSQL of a data directory.",
        subcommands = {DbCommand.ResetPasswords.class})
final class DbCommand {

    @Command(name = "reset-passwords", mixinStandardHelpOptions = true,
            description = "With the gateway stopped: new passwords for the embedded database's roles, written (0600) "
                    + "to <data>/pg-credentials.properties; for a lost or outdated file.")
    static final class ResetPasswords implements Callable<Integer> {
        @Option(names = "--data", defaultValue = "${env:JUKI_DATA_DIR:-data}", description = "The gateway's data directory (default: ${DEFAULT-VALUE}).")
        Path data;

        @Override
        public Integer call() {
            try {
                List<String> roles = DatabaseLogins.resetPasswords(data, EmbeddedDatabase.postgresBinary());
                System.out.printf("new passwords for %d role(s): %s; written to %s%n", roles.size(), String.join(", ", roles),
                        data.resolve(DatabaseLogins.FILE));
                return 0;
            } catch (IOException e) {
                System.err.println("db reset-passwords: " + e.getMessage());
                return 1;
            }
        }
    }
}

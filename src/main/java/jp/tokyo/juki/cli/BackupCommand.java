package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import jp.tokyo.juki.backup.BackupRefused;
import jp.tokyo.juki.backup.ColdBackup;
import jp.tokyo.juki.operator.HostLogin;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway backup --out FILE}: with the gateway stopped, an administrator writes an encrypted,
 * signed archive of the embedded database, the broker journal and the keys ({@link ColdBackup});
 * audited ({@code BACKUP}). A refusal prints {@code CODE: reason} and exits 1.
 */
@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
        description = "With the gateway stopped: write an encrypted, signed archive of the data directory (embedded "
                + "PostgreSQL, broker journal, drop folders) and the key directory (administrator; audited). "
                + "docs/operations/backup.md")
final class BackupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The archive to write (must not exist), "
            + "e.g. /var/backups/juki/juki-backup-20261206T0300Z.tar.p7m; mode 0600.")
    Path out;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "The stopped gateway's data directory (default: juki.data.dir).")
    Path dataDir;
    @Option(names = "--recipient", paramLabel = "FILE.pem",
            description = "The backup certificate the archive is encrypted to (default: <keystores>/backup.pem).")
    Path recipient;
    @Mixin
    HostLoginOptions login;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HostLogin.Credentials creds = null;
        try {
            GatewayConfig cfg = login.config(dataDir);
            creds = login.credentials(cfg);
            Path pem = recipient != null ? recipient : cfg.keystoresDir().resolve(Identities.BACKUP + ".pem");
            ColdBackup.Written w = ColdBackup.run(cfg, new HostLoginGate(creds), this.out, ColdBackup.recipient(pem),
                    System.getProperty("user.name"));
            out.printf("backup written: %s (%d bytes, %d files, sha256 %s, audit chain to seq %d) in %.1f s%n",
                    w.archive(), w.bytes(), w.files(), w.sha256(), w.auditSeq(), w.seconds());
            return 0;
        } catch (BackupRefused r) {
            err.println("backup refused (" + r.code() + "): " + r.reason());
            return 1;
        } catch (PasswordFile.Refused e) {
            err.println("backup: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("backup: " + e.getMessage());
            return 2;
        } finally {
            if (creds != null) {
                Arrays.fill(creds.password(), '\0');
            }
            out.flush();
            err.flush();
        }
    }
}

package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import jp.tokyo.juki.backup.BackupRefused;
import jp.tokyo.juki.operator.HostLogin;
import jp.tokyo.juki.backup.Restore;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway restore --from FILE --data-dir EMPTY_DIR}: an administrator restores a backup
 * archive into an empty data directory (and the keys into an empty key directory), with the backup
 * key kept apart from the gateway ({@link Restore}); audited ({@code RESTORE}) in the restored chain.
 * A refusal prints {@code CODE: reason} and exits 1.
 */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Restore a backup archive into an empty data directory (and its keys into an empty key directory) "
                + "after checking its signature and every file (administrator; audited). docs/operations/backup.md")
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup archive.")
    Path from;
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The data directory to restore into "
            + "(empty or absent).")
    Path dataDir;
    @Option(names = "--keystores-dir", paramLabel = "DIR", description = "The key directory to restore into (empty or "
            + "absent); default: the keys are not restored (the host still has them).")
    Path keystoresDir;
    @Option(names = "--key", required = true, paramLabel = "backup.p12", description = "The backup certificate's key "
            + "(from 'pki issue-backup'; kept away from the gateway's host).")
    Path key;
    @Option(names = "--key-password-file", paramLabel = "FILE",
            description = "The backup key's password on its first line (a file of yours, mode 0600); default: asked.")
    Path keyPasswordFile;
    @Option(names = "--ca", required = true, paramLabel = "ca.pem", description = "The CA the archive's signer (the gateway) "
            + "and your operator certificate must be issued by: a copy you trust, not one from the archive.")
    Path ca;
    @Mixin
    HostLoginOptions login;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HostLogin.Credentials creds = null;
        char[] keyPassword = null;
        try {
            GatewayConfig cfg = login.config(null);
            keyPassword = HostLoginOptions.secret(keyPasswordFile, "the backup key's password: ");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(key)) {
                ks.load(in, keyPassword);
            }
            PrivateKey backupKey = (PrivateKey) ks.getKey(Identities.BACKUP, keyPassword);
            X509Certificate backupCert = (X509Certificate) ks.getCertificate(Identities.BACKUP);
            if (backupKey == null || backupCert == null) {
                err.println("restore refused (R401): " + key.getFileName() + " holds no backup key");
                return 1;
            }
            List<X509Certificate> cas = KeyMaterial.readCas(ca);
            creds = login.credentials(cfg);
            Restore.Restored r = Restore.run(cfg, new HostLoginGate(creds), from, backupKey, backupCert, cas, dataDir, keystoresDir,
                    System.getProperty("user.name"));
            out.printf("restored: %s (sha256 %s; backup of %s by %s, audit chain to seq %d) into %s%s in %.1f s%n",
                    from, r.sha256(), r.manifest().path("createdAt").asText(), r.manifest().path("operator").asText(),
                    r.manifest().path("auditSeq").asLong(), dataDir, keystoresDir == null ? "" : " and " + keystoresDir,
                    r.seconds());
            return 0;
        } catch (BackupRefused r) {
            err.println("restore refused (" + r.code() + "): " + r.reason());
            return 1;
        } catch (PasswordFile.Refused e) {
            err.println("restore: " + e.getMessage());
            return 1;
        } catch (IOException | GeneralSecurityException e) {
            err.println("restore refused (R401): the backup key or the CA cannot be read (" + e.getClass().getSimpleName()
                    + "): " + e.getMessage());
            return 1;
        } finally {
            if (creds != null) {
                Arrays.fill(creds.password(), '\0');
            }
            if (keyPassword != null) {
                Arrays.fill(keyPassword, '\0');
            }
            out.flush();
            err.flush();
        }
    }
}

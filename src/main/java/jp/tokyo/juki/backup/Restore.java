package jp.tokyo.juki.backup;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.RevocationList;

/**
 * {@code ./gateway restore}: a backup archive ({@link BackupArchive}) back into an empty data
 * directory (and, when asked, an empty key directory). The archive is decrypted with the backup key
 * into a staging directory beside the target and nothing of it is used until the encryption's tag,
 * the signature (by the {@code gateway} certificate of the CA the restorer trusts — not one the
 * archive brings) and every file's hash hold. The administrator then logs in against the register
 * in the archive — the only one there is when the host was lost — and the restore is audited
 * ({@code RESTORE}) in the restored chain before the files are moved into place. A refusal before
 * that point has no chain to go to: it is printed with its code and the target stays as it was.
 */
public final class Restore {
    private Restore() {
    }

    /** A restore done: what the archive said of itself, its SHA-256, the seconds it took. */
    public record Restored(JsonNode manifest, String sha256, double seconds) {
    }

    /**
     * Restores {@code archive} into {@code dataTarget} and, when not null, {@code keysTarget}.
     *
     * @param cfg        the configuration (its data directory is not used; the operator settings are)
     * @param backupKey  the backup certificate's key and {@code backupCert} the certificate
     * @param trustedCas the CA(s) that issued the gateway's and the operators' certificates
     * @throws BackupRefused {@code R409} a target is not empty; {@code R412} an external database is
     *                       configured; {@code R422}/{@code R400} the archive is altered or not one
     *                       this key opens; {@code R403} not signed by the gateway of these CAs; the
     *                       login's codes; {@code R500} it failed
     */
    public static Restored run(GatewayConfig cfg, Gate gate, Path archive, PrivateKey backupKey,
                               X509Certificate backupCert, List<X509Certificate> trustedCas, Path dataTarget,
                               Path keysTarget, String hostUser) throws BackupRefused {
        long started = System.nanoTime();
        if (cfg.get(DatabaseSettings.URL) != null) {
            throw new BackupRefused("R412", "the gateway is configured for an external database: restore it with its own "
                    + "tools (docs/operations/backup.md)");
        }
        Path data = dataTarget.toAbsolutePath().normalize();
        Path keys = keysTarget == null ? null : keysTarget.toAbsolutePath().normalize();
        requireEmpty(data);
        if (keys != null) {
            requireEmpty(keys);
        }
        Path staging;
        try {
            Files.createDirectories(data.getParent());
            staging = Files.createTempDirectory(data.getParent(), "." + data.getFileName() + ".restoring-");
        } catch (IOException e) {
            throw new BackupRefused("R500", "no staging directory beside the target: " + e.getMessage());
        }
        try {
            MessageDigest sha = BackupArchive.sha256();
            BackupArchive.Opened opened;
            try (InputStream in = new DigestInputStream(Files.newInputStream(archive), sha)) {
                opened = BackupArchive.read(in, backupKey, backupCert, staging);
            }
            String digest = BackupArchive.hex(sha.digest());
            checkSigner(opened.signer(), trustedCas);
            Path stagedData = staging.resolve("data");
            Path stagedKeys = staging.resolve("keystores");
            if (!Files.isDirectory(stagedData.resolve("pg")) || !Files.isDirectory(stagedKeys)) {
                throw new BackupRefused("R422", "the archive holds no data/pg or no keystores");
            }
            RevocationList crl = revocations(stagedKeys);
            GatewayConfig staged = cfg.with(Map.of("juki.data.dir", stagedData.toString()));
            JsonNode m = opened.manifest();
            try (EmbeddedDatabase db = EmbeddedDatabase.start(staged)) {
                String operator = gate.admit(db.dataSource(), staged, trustedCas, crl);
                BackupAudit.append(db.dataSource(), GatewayEvent.RESTORE, hostUser, operator,
                        archive.getFileName().toString(), AuditStatus.ALLOWED, "R200", "restored " + archive.getFileName()
                                + " sha256=" + digest + " (backup of " + m.path("createdAt").asText() + " by "
                                + m.path("operator").asText() + ", audit chain to seq " + m.path("auditSeq").asLong()
                                + ") into " + data + (keys == null ? "; keys not restored" : " and keys into " + keys));
            }
            moveInto(stagedData, data);
            if (keys != null) {
                moveInto(stagedKeys, keys);
            }
            return new Restored(m, digest, (System.nanoTime() - started) / 1e9);
        } catch (IOException | SQLException e) {
            throw new BackupRefused("R500", "the restore failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            deleteTree(staging);
        }
    }

    private static void checkSigner(X509Certificate signer, List<X509Certificate> cas) throws BackupRefused {
        if (!Identities.GATEWAY.equals(Identities.commonName(signer))) {
            throw new BackupRefused("R403", "the archive is not signed by a gateway certificate");
        }
        for (X509Certificate ca : cas) {
            try {
                signer.verify(ca.getPublicKey());
                return;
            } catch (GeneralSecurityException e) {
                // another CA of the list
            }
        }
        throw new BackupRefused("R403", "the archive is signed by a gateway of another CA than the one given (--ca)");
    }

    private static RevocationList revocations(Path keystores) {
        try {
            return RevocationList.of(keystores);
        } catch (IOException e) {
            return null;
        }
    }

    private static void requireEmpty(Path dir) throws BackupRefused {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new BackupRefused("R409", dir + " is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new BackupRefused("R409", dir + " is not empty: a restore never writes over an installation");
            }
        } catch (IOException e) {
            throw new BackupRefused("R409", dir + " cannot be read: " + e.getMessage());
        }
    }

    /** Moves what {@code from} holds into {@code to} (renames on one file system), which is made 0700 if new. */
    private static void moveInto(Path from, Path to) throws IOException {
        if (!Files.exists(to)) {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(from)) {
            for (Path c : children) {
                Files.move(c, to.resolve(c.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a staging directory left behind is named .<target>.restoring-*
        }
    }
}

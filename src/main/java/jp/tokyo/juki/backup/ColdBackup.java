package jp.tokyo.juki.backup;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import jp.tokyo.juki.audit.AuditChain;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.platform.BrokerSettings;
import jp.tokyo.juki.platform.DatabaseAccess;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./gateway backup}: a cold backup of an installation on the embedded database and broker.
 * The database and the broker journal must be copied at one instant (notices move from the outbox to
 * the broker, audit events from the broker to the database), and the embedded PostgreSQL has no
 * {@code pg_dump}/{@code pg_basebackup}: so the gateway must be stopped. The command then starts the
 * embedded database alone to log the administrator in against the register and audit the backup
 * ({@code BACKUP}, before the copy, so that the archive carries its own record), stops it, writes the
 * archive ({@link BackupArchive}: the data directory, the key directory and a manifest, signed by the
 * gateway, encrypted to the backup certificate), and starts it once more to audit the archive's
 * digest. A refusal is audited in the register's database wherever it can be reached.
 */
public final class ColdBackup {
    private static final Logger LOG = LoggerFactory.getLogger(ColdBackup.class);
    /** in the data directory and not copied: run-time files of a running gateway, and the audit exports (WORM storage) */
    private static final Set<String> LEFT = Set.of("pg/postmaster.pid", "pg/postmaster.opts", "pg/epg-lock",
            "broker/acceptor.url", "audit-exports");

    private ColdBackup() {
    }

    /** A backup written: the archive, its SHA-256, its size, how many files, the chain's head it holds, the seconds it took. */
    public record Written(Path archive, String sha256, long bytes, int files, long auditSeq, double seconds) {
    }

    /**
     * Backs up the installation of {@code cfg} to {@code out} (which must not exist), encrypted to
     * {@code recipient}, as the operator {@code gate} admits.
     *
     * @param hostUser the OS user who runs the command (the audit's peer {@code host:<user>})
     * @throws BackupRefused {@code B412} not on the embedded database and broker, or the backup key is in the
     *                       key directory; {@code B409} the gateway runs; {@code B400} the output is refused;
     *                       {@code B401}/{@code L4xx}/{@code B403} the operator; {@code B500} it failed
     */
    public static Written run(GatewayConfig cfg, Gate gate, Path out, X509Certificate recipient,
                              String hostUser) throws BackupRefused {
        long started = System.nanoTime();
        Path data = cfg.dataDir().toAbsolutePath().normalize();
        String name = out.getFileName().toString();
        if (cfg.get(DatabaseSettings.URL) != null || cfg.get(BrokerSettings.URL) != null) {
            throw refusedOnline(cfg, hostUser, name, new BackupRefused("B412", "the gateway runs on an external database or "
                    + "broker: back them up with their own tools (docs/operations/backup.md); this command copies the embedded ones"));
        }
        if (running(data)) {
            throw refusedOnline(cfg, hostUser, name, new BackupRefused("B409", "the gateway is running on " + data
                    + ": stop it first (a cold backup copies the database and the broker journal at one instant)"));
        }
        KeyMaterial keys;
        try {
            keys = new KeyMaterial(cfg.keystoresDir(), cfg.keystorePassword(), Duration.ofMinutes(1));
        } catch (IOException e) {
            throw new BackupRefused("B500", "the key directory cannot be read: " + e.getMessage());
        }
        String operator = null;
        AuditChain.Head head;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(cfg)) {
            try {
                operator = gate.admit(db.dataSource(), cfg, keys.cas(), keys.crl());
                checkOutput(cfg, data, out);
                BackupAudit.append(db.dataSource(), GatewayEvent.BACKUP, hostUser, operator, name, AuditStatus.ALLOWED, "B200",
                        "cold backup begun: data " + data + " and keys " + cfg.keystoresDir().toAbsolutePath().normalize()
                                + " to " + name + ", encrypted to the backup certificate serial "
                                + recipient.getSerialNumber().toString(16));
                head = BackupAudit.head(db.dataSource());
            } catch (BackupRefused r) {
                BackupAudit.append(db.dataSource(), GatewayEvent.BACKUP, hostUser, operator != null ? operator : gate.claimed(),
                        name, AuditStatus.REFUSED, r.code(), "backup refused: " + r.reason());
                throw r;
            }
        } catch (IOException | SQLException e) {
            throw new BackupRefused("B500", "the embedded database could not be started or written: " + e.getMessage());
        }
        Written w;
        try {
            w = write(cfg, data, keys, recipient, out, operator, hostUser, head, started);
        } catch (IOException | GeneralSecurityException e) {
            afterwards(cfg, hostUser, operator, name, AuditStatus.FAILED, "B500", "backup failed while writing: "
                    + e.getClass().getSimpleName());
            throw new BackupRefused("B500", "the archive could not be written: " + e.getMessage());
        }
        afterwards(cfg, hostUser, operator, name, AuditStatus.EXPORTED, "B201", "cold backup written: " + name + " sha256="
                + w.sha256() + ", " + w.bytes() + " bytes, " + w.files() + " files, audit chain to seq " + w.auditSeq());
        return w;
    }

    private static Written write(GatewayConfig cfg, Path data, KeyMaterial keys, X509Certificate recipient, Path out,
                                 String operator, String hostUser, AuditChain.Head head, long started)
            throws IOException, GeneralSecurityException {
        KeyMaterial.Signer signer = keys.signer(Identities.GATEWAY);
        Path keystores = cfg.keystoresDir().toAbsolutePath().normalize();
        ObjectNode about = JsonNodeFactory.instance.objectNode()
                .put("createdAt", Instant.now().toString()).put("operator", operator).put("hostUser", hostUser)
                .put("dataDir", data.toString()).put("keystoresDir", keystores.toString())
                .put("postgresVersion", Files.readString(data.resolve("pg").resolve("PG_VERSION")).strip())
                .put("auditSeq", head.seq()).put("auditHash", BackupArchive.hex(head.hash()));
        List<BackupArchive.Tree> trees = List.of(
                new BackupArchive.Tree("data", data, rel -> LEFT.contains(rel.toString().replace('\\', '/'))
                        || rel.startsWith("audit-exports")),
                new BackupArchive.Tree("keystores", keystores, rel -> false));
        Path part = out.resolveSibling(out.getFileName() + ".part");
        Files.deleteIfExists(part);
        Files.createFile(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        MessageDigest sha = BackupArchive.sha256();
        int files;
        try (OutputStream file = Files.newOutputStream(part, StandardOpenOption.WRITE);
             DigestOutputStream digest = new DigestOutputStream(file, sha)) {
            files = BackupArchive.write(digest, signer.key(), signer.certificate(), recipient, trees, about);
            digest.flush();
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, out, StandardCopyOption.ATOMIC_MOVE);
        return new Written(out, BackupArchive.hex(sha.digest()), Files.size(out), files, head.seq(),
                (System.nanoTime() - started) / 1e9);
    }

    private static void checkOutput(GatewayConfig cfg, Path data, Path out) throws BackupRefused {
        Path o = out.toAbsolutePath().normalize();
        if (Files.exists(o)) {
            throw new BackupRefused("B400", "the output " + out.getFileName() + " exists: a backup never overwrites one");
        }
        if (o.getParent() == null || !Files.isDirectory(o.getParent())) {
            throw new BackupRefused("B400", "the output's directory does not exist");
        }
        if (o.startsWith(data) || o.startsWith(cfg.keystoresDir().toAbsolutePath().normalize())) {
            throw new BackupRefused("B400", "the output must be outside the data and key directories it copies");
        }
        if (Files.exists(cfg.keystoresDir().resolve(Identities.BACKUP + ".p12"))) {
            throw new BackupRefused("B412", "the backup key (backup.p12) is in the key directory: an archive that carries "
                    + "its own key protects nothing; keep it apart (docs/operations/backup.md)");
        }
    }

    /** The record after the copy: the database is started once more for it. */
    private static void afterwards(GatewayConfig cfg, String hostUser, String operator, String name, AuditStatus status,
                                   String code, String detail) throws BackupRefused {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(cfg)) {
            BackupAudit.append(db.dataSource(), GatewayEvent.BACKUP, hostUser, operator, name, status, code, detail);
        } catch (IOException | SQLException e) {
            throw new BackupRefused("B500", "the archive was written but its audit record was not: " + e.getMessage());
        }
    }

    /** A refusal while the database is another process's (a running gateway, an external one): audited there if it can be reached. */
    private static BackupRefused refusedOnline(GatewayConfig cfg, String hostUser, String name, BackupRefused r) {
        try (Connection c = DatabaseAccess.connect(cfg)) {
            BackupAudit.append(c, GatewayEvent.BACKUP, hostUser, null, name, AuditStatus.REFUSED, r.code(),
                    "backup refused: " + r.reason());
        } catch (IOException | SQLException e) {
            LOG.warn("backup refused ({}) and not audited: the register's database cannot be reached ({})", r.code(),
                    e.getClass().getSimpleName());
        }
        return r;
    }

    /** A gateway runs on {@code data}: its embedded PostgreSQL or its broker journal is locked by a living process. */
    static boolean running(Path data) {
        Path pg = data.resolve("pg");
        return Files.exists(pg.resolve("postmaster.pid")) && held(pg.resolve("epg-lock"))
                || held(data.resolve("broker").resolve("journal").resolve("server.lock"));
    }

    private static boolean held(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM runs it
        } catch (IOException e) {
            return true; // cannot tell: do not copy
        }
    }

    /** The backup certificate in {@code file} (PEM). */
    public static X509Certificate recipient(Path file) throws BackupRefused {
        try {
            return Pem.readCertificate(file);
        } catch (IOException e) {
            throw new BackupRefused("B404", "no backup certificate in " + file + " (issue one: ./gateway pki issue-backup)");
        }
    }
}

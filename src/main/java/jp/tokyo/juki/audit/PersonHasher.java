package jp.tokyo.juki.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import jp.tokyo.juki.security.KeyFiles;

/**
 * Turns a 住民票コード into the keyed hash (HMAC-SHA-256) that audit records and queue
 * properties carry instead of the code. The key lives in {@code keystores/audit-hmac.key};
 * whoever holds it can find a person's records (R-AUD-PERSON), nobody else can read them.
 */
public final class PersonHasher {
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public PersonHasher(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** The constant whose HMAC under the key is the key's fingerprint ({@link #keyCheck}). */
    static final String KEY_CHECK = "juki key check v1";

    /** Reads the key, creating a random one on first use. */
    public static PersonHasher fromKeyFile(Path file) throws IOException {
        return fromKeyFile(file, true);
    }

    /**
     * Reads the key; when the file is missing, creates a random one if {@code create}, else refuses: a node of
     * several ({@code juki.cluster.enabled}) must hold the key every node holds, for a key of its own would give
     * each person a second hash (another message group, so notices out of order; audit searches finding half).
     */
    public static PersonHasher fromKeyFile(Path file, boolean create) throws IOException {
        if (!Files.exists(file) && !create) {
            throw new IOException("the audit key " + file + " is missing; a node of several (juki.cluster.enabled=true) "
                    + "never makes one: copy " + file.getFileName() + " from a node of this gateway (mode 0600, the "
                    + "gateway's user) and start again (docs/operations/cluster.md)");
        }
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            // readable by the owner only from the moment it exists: whoever reads it can find a person's records
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(tmp, fresh);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(tmp);
            }
        }
        // one written 0644 by an older version is tightened
        KeyFiles.restrict(file);
        byte[] key = Files.readAllBytes(file);
        if (key.length < 32) {
            throw new IOException(file + ": audit key must hold at least 32 bytes");
        }
        return new PersonHasher(key);
    }

    /**
     * The key's fingerprint: HMAC-SHA-256 of a constant under it. Equal keys give equal fingerprints; the
     * fingerprint tells nothing of the key (nor of any person's hash), so it may be stored and compared
     * ({@code cluster.secret}).
     */
    public byte[] keyCheck() {
        return newMac().doFinal(KEY_CHECK.getBytes(StandardCharsets.US_ASCII));
    }

    public String hash(String juminhyoCode) {
        byte[] out = macs.get().doFinal(juminhyoCode.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(out, 0, 16);
    }
}

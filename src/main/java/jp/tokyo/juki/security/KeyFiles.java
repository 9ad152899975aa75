package jp.tokyo.juki.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files holding secrets (private keys, PKCS#12 stores, the audit HMAC key) are readable by their
 * owner only: written 0600 from the moment they exist, and tightened at start when an older
 * version of the gateway (or an operator's copy) left them readable by others.
 */
public final class KeyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private KeyFiles() {
    }

    /** Whether a file in {@code keystores/} holds a secret, by its name. */
    public static boolean isSecret(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".key.pem") || name.endsWith(".p12") || name.endsWith(".key");
    }

    /**
     * Writes {@code content} through a temporary file created 0600 (a name of its own, so two
     * writers do not meet), flushed to disk ({@code fsync}) before the rename and the directory
     * after it, so neither a reader nor another user ever sees the secret (nor half of it), nor
     * does a crash leave an empty file under the name.
     */
    public static void writePrivately(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = POSIX
                ? Files.createTempFile(dir, file.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (POSIX) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot sync a directory; the file itself is on disk
            }
        }
    }

    /** Makes {@code file} 0600 if group or others may read it; returns whether it did. */
    public static boolean restrict(Path file) throws IOException {
        if (!POSIX || !Files.isRegularFile(file)) {
            return false;
        }
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
        if (now.equals(OWNER_ONLY) || OWNER_ONLY.containsAll(now)) {
            return false;
        }
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        LOG.warn("{} was {}: made rw------- (private key material)", file.getFileName(), PosixFilePermissions.toString(now));
        return true;
    }

    /** Tightens every secret of {@code dir} (see {@link #isSecret}); returns the files changed. */
    public static List<Path> restrictAll(Path dir) throws IOException {
        List<Path> changed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return changed;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(KeyFiles::isSecret)::iterator) {
                try {
                    if (restrict(f)) {
                        changed.add(f);
                    }
                } catch (IOException e) {
                    LOG.warn("{} is readable by others and cannot be made rw-------: {}", f.getFileName(), e.getMessage());
                }
            }
        }
        return changed;
    }
}

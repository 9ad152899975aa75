package jp.tokyo.juki.agency;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SFTP server's host key: one Ed25519 key (OpenSSH format) in {@code sftp-host.key}, written
 * with mode 0600 before any byte of it, and its public half — the line an agency puts in its
 * known_hosts — in {@code sftp-host.key.pub}. A key of another type (the ECDSA key gateways made
 * before) is retired to {@code sftp-host.key.retired} (or {@code .retired-<time>} when that exists:
 * an earlier retired key is never overwritten) and replaced: the agencies then need the new
 * known_hosts line (docs/operations/sftp.md). A key file that cannot be read (its mode or owner, a
 * read error) or is no key the gateway knows fails the start with a message saying so: it is never
 * replaced by itself, for that would break every agency's known_hosts.
 */
final class SftpHostKey {
    private static final Logger LOG = LoggerFactory.getLogger(SftpHostKey.class);
    private static final DateTimeFormatter RETIRED_AT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** the key, and the type of the key it replaced this start (null when none was replaced) */
    record Loaded(KeyPair pair, String replaced) {
    }

    private SftpHostKey() {
    }

    static Loaded load(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String replaced = null;
        if (Files.exists(file)) {
            KeyPair existing = read(file);
            String type = KeyUtils.getKeyType(existing);
            if (KeyPairProvider.SSH_ED25519.equals(type)) {
                ownerOnly(file);
                writePublic(file, existing);
                return new Loaded(existing, null);
            }
            Path retired = file.resolveSibling(file.getFileName() + ".retired");
            if (Files.exists(retired, LinkOption.NOFOLLOW_LINKS)) {
                retired = file.resolveSibling(file.getFileName() + ".retired-" + RETIRED_AT.format(Instant.now()));
            }
            Files.move(file, retired); // never over an existing file
            ownerOnly(retired);
            replaced = type;
            LOG.warn("SFTP host key: the {} key in {} is retired to {} and replaced by an Ed25519 key; every agency "
                    + "must replace its known_hosts line with {}.pub", type, file, retired.getFileName(), file.getFileName());
        }
        KeyPair pair;
        try {
            pair = SecurityUtils.getKeyPairGenerator(SecurityUtils.ED25519).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make an Ed25519 host key: " + e.getMessage(), e);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            new OpenSSHKeyPairResourceWriter().writePrivateKey(pair, "juki-gateway sftp host key", null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the host key: " + e.getMessage(), e);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        writePublic(file, pair);
        LOG.info("SFTP host key made: {} {}", KeyUtils.getKeyType(pair), KeyUtils.getFingerPrint(pair.getPublic()));
        return new Loaded(pair, replaced);
    }

    /**
     * The public half of the host key in {@code file}, read as the server reads it, without starting a server: every
     * node of several compares its fingerprint, also a node that does not hold the SFTP lease (issue 14).
     */
    static PublicKey publicKey(Path file) throws IOException {
        return read(file).getPublic();
    }

    /** the key in {@code file}; one that cannot be read or is no key fails the start (never replaced unread) */
    private static KeyPair read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("SFTP host key " + file + " cannot be read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); the gateway does not start rather than replace it (every agency's known_hosts "
                    + "would break): give it to the gateway's user with mode 0600 and start again", e);
        }
        NamedResource name = NamedResource.ofName(file.getFileName().toString());
        try {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, name, new ByteArrayInputStream(bytes), null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it != null && it.hasNext()) {
                return it.next();
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // perhaps a Java-serialised key of a very old gateway (MINA's SimpleGeneratorHostKeyProvider reads it)
        }
        try {
            Iterable<KeyPair> pairs = new OldGatewayKey().read(name, new ByteArrayInputStream(bytes));
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it != null && it.hasNext()) {
                return it.next();
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // damaged
        }
        throw new IOException("SFTP host key " + file + " (" + bytes.length + " bytes) is not a key the gateway can read "
                + "(damaged?); the gateway does not start rather than replace it: restore it from a backup, or move it "
                + "aside to have a new Ed25519 key made (every agency then needs the new known_hosts line, "
                + "docs/operations/sftp.md)");
    }

    /** MINA's reader of the host keys older gateways made (OpenSSH, PEM or Java-serialised) */
    private static final class OldGatewayKey extends SimpleGeneratorHostKeyProvider {
        Iterable<KeyPair> read(NamedResource name, InputStream in) throws IOException, GeneralSecurityException {
            return doReadKeyPairs(null, name, in);
        }
    }

    /** an existing private key file that others could read is narrowed to the owner */
    private static void ownerOnly(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            LOG.warn("SFTP host key {}: mode narrowed to 0600", file.getFileName());
        }
    }

    /** the agencies' known_hosts key, beside the private file (written only when it changed) */
    private static void writePublic(Path file, KeyPair pair) throws IOException {
        Path publicFile = file.resolveSibling(file.getFileName() + ".pub");
        String line = PublicKeyEntry.toString(pair.getPublic()) + "\n";
        if (!Files.exists(publicFile) || !Files.readString(publicFile, StandardCharsets.US_ASCII).equals(line)) {
            Files.writeString(publicFile, line, StandardCharsets.US_ASCII);
        }
    }
}

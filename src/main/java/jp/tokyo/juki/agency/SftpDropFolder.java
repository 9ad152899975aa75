package jp.tokyo.juki.agency;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agency's drop folder on an external SFTP server (PROTOCOL §4), reached with the Apache MINA
 * SSHD client: public-key authentication with the gateway's key, the server's host key checked
 * against a known_hosts file — an unknown or changed host key is refused, never learned — and
 * only algorithms without SHA-1, CBC, MD5 or small Diffie-Hellman groups, as the embedded server.
 *
 * <p>One session and SFTP channel stay open. A call that fails on the connection throws and
 * drops it; the next call connects again, so one outage costs the calls made during it and no
 * more. A call the server refused (no such file, permission) keeps the connection.
 *
 * <p>{@link #publish} uses the {@code posix-rename@openssh.com} extension when the server
 * offers it (OpenSSH does): the answer is replaced atomically. A server without it gets a
 * remove, then a rename: the agency never sees half an answer, but between the two steps
 * sees none under that name, and a crash between them leaves only the {@code .part}, which
 * the next {@code hasPart} → {@code publish} of {@link AgencyRequests} completes.
 * {@link #writePart} returns only after every byte is acknowledged, the file closed and, where
 * the server offers {@code fsync@openssh.com}, forced to its disk.
 */
public final class SftpDropFolder implements DropFolder {
    private static final Logger LOG = LoggerFactory.getLogger(SftpDropFolder.class);
    /** the algorithms the embedded DropFolderServer refuses are not offered to an agency's server either */
    private static final Pattern WEAK = Pattern.compile("(?i).*(sha1|cbc|md5|3des|arcfour|group1-|group14|group-exchange|ssh-rsa$|ssh-dss|none).*");

    /**
     * One agency's external SFTP server.
     *
     * @param privateKey the gateway's key, unencrypted: PEM ({@code keystores/gateway.key.pem}) or OpenSSH format
     * @param knownHosts OpenSSH known_hosts holding the server's host key (as {@code [host]:port} unless port 22)
     * @param timeout    for connecting, logging in and each SFTP request; an idle connection is closed after it
     *                   ({@code null}: 30 s)
     * @param directory  the folder holding {@code inbox/} and {@code outbox/}, relative to the login folder
     *                   ({@code null}: the login folder itself)
     */
    public record Settings(String host, int port, String user, Path privateKey, Path knownHosts, Duration timeout,
                           String directory) {
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(privateKey, "private key file");
            Objects.requireNonNull(knownHosts, "known_hosts file: host keys are always checked");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("SFTP port " + port + " is not a port");
            }
            timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("SFTP timeout must be positive");
            }
            directory = directory == null || directory.isBlank() ? "." : directory.strip();
        }
    }

    private final Settings settings;
    private final String base;
    private final SshClient client;
    private final List<NamedFactory<Signature>> signatures;
    private ClientSession session;
    private SftpClient sftp;

    /** Reads the key and prepares the client; the first call connects. */
    public SftpDropFolder(Settings settings) throws IOException {
        this.settings = settings;
        this.base = settings.directory().endsWith("/") ? settings.directory() : settings.directory() + "/";
        if (!Files.isRegularFile(settings.knownHosts())) {
            throw new IOException("known_hosts file " + settings.knownHosts() + " not found: the host key of "
                    + settings.host() + " must be known");
        }
        KeyPair identity = loadIdentity(settings.privateKey());
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, settings.knownHosts()));
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // not the process user's ~/.ssh/config
        client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(identity)); // nor ~/.ssh/id_*
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setKeyExchangeFactories(strong(client.getKeyExchangeFactories()));
        client.setCipherFactories(strong(client.getCipherFactories()));
        client.setMacFactories(strong(client.getMacFactories()));
        signatures = strong(client.getSignatureFactories());
        client.setSignatureFactories(signatures);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, settings.timeout());
        CoreModuleProperties.IDLE_TIMEOUT.set(client, settings.timeout()); // also how long an SFTP reply is awaited
        SftpModuleProperties.SFTP_CHANNEL_OPEN_TIMEOUT.set(client, settings.timeout());
        client.start();
    }

    private static KeyPair loadIdentity(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Iterator<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null)
                    .iterator();
            if (!keys.hasNext()) {
                throw new IOException(file + ": no private key");
            }
            return keys.next();
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": unreadable private key", e);
        }
    }

    private static <T extends NamedResource> List<T> strong(List<T> factories) {
        return factories.stream().filter(f -> !WEAK.matcher(f.getName()).matches()).toList();
    }

    @Override
    public List<Entry> requests() throws IOException {
        return call(c -> list(c, "inbox", name -> name.endsWith(REQUEST)));
    }

    @Override
    public byte[] readRequest(String name) throws IOException {
        String file = path("inbox", name);
        return call(c -> {
            try (InputStream in = c.read(file)) {
                return in.readAllBytes();
            }
        });
    }

    @Override
    public void removeRequest(String name) throws IOException {
        String file = path("inbox", name);
        call(c -> removeIfPresent(c, file));
    }

    @Override
    public void writePart(String answerName, byte[] content) throws IOException {
        String part = path("outbox", checked(answerName) + PART);
        call(c -> {
            try (SftpClient.CloseableHandle h = c.open(part, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                    SftpClient.OpenMode.Truncate)) {
                // pipelined writes on our own handle, so that it can be forced before it is closed
                try (OutputStream out = new SftpOutputStreamAsync((AbstractSftpClient) c, 0, part, h, false)) {
                    out.write(content);
                }
                OpenSSHFsyncExtension fsync = c.getExtension(OpenSSHFsyncExtension.class);
                if (fsync != null && fsync.isSupported()) {
                    fsync.fsync(h);
                }
            }
            // the stream gives up silently on acknowledgements that never come: what counts is what the server has
            long written = c.stat(part).getSize();
            if (written != content.length) {
                throw new IOException("answer part " + answerName + PART + " incomplete: " + written + " of "
                        + content.length + " bytes on the server");
            }
            return null;
        });
    }

    @Override
    public boolean hasPart(String answerName) throws IOException {
        String part = path("outbox", checked(answerName) + PART);
        return call(c -> {
            try {
                c.stat(part);
                return true;
            } catch (SftpException e) {
                if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public void publish(String answerName) throws IOException {
        String part = path("outbox", checked(answerName) + PART);
        String answer = path("outbox", answerName);
        call(c -> {
            OpenSSHPosixRenameExtension posix = c.getExtension(OpenSSHPosixRenameExtension.class);
            if (posix != null && posix.isSupported()) {
                posix.posixRename(part, answer);
            } else {
                removeIfPresent(c, answer); // SFTP v3 rename does not replace (see the class comment)
                c.rename(part, answer);
            }
            return null;
        });
    }

    @Override
    public List<Entry> answers() throws IOException {
        return call(c -> list(c, "outbox", name -> !name.endsWith(PART)));
    }

    @Override
    public List<Entry> parts() throws IOException {
        return call(c -> list(c, "outbox", name -> name.endsWith(PART)));
    }

    @Override
    public void eraseAnswer(String answerName) throws IOException {
        String file = path("outbox", answerName);
        call(c -> removeIfPresent(c, file));
    }

    @Override
    public synchronized void close() throws IOException {
        disconnect();
        client.stop();
    }

    @FunctionalInterface
    private interface Call<T> {
        T on(SftpClient c) throws IOException;
    }

    /** Runs one call on the open channel, connecting first if there is none; a broken connection is dropped. */
    private synchronized <T> T call(Call<T> call) throws IOException {
        SftpClient c = connected();
        try {
            return call.on(c);
        } catch (SftpException e) {
            throw e; // the server answered: the connection is sound
        } catch (IOException e) {
            disconnect();
            throw e;
        } catch (RuntimeException e) {
            disconnect();
            throw new IOException(where() + ": SFTP call failed", e);
        }
    }

    private SftpClient connected() throws IOException {
        if (sftp != null && sftp.isOpen() && session.isOpen() && !session.isClosing()) {
            return sftp;
        }
        disconnect();
        ClientSession s = null;
        try {
            client.setSignatureFactories(knownHostKeysFirst());
            s = client.connect(settings.user(), settings.host(), settings.port()).verify(settings.timeout()).getSession();
            s.auth().verify(settings.timeout());
            // v3: what OpenSSH speaks, and what every server speaks
            SftpClient c = SftpClientFactory.instance().createSftpClient(s, SftpVersionSelector.fixedVersionSelector(3));
            OpenSSHPosixRenameExtension posix = c.getExtension(OpenSSHPosixRenameExtension.class);
            boolean atomic = posix != null && posix.isSupported();
            LOG.info("{}: connected; answers replaced {}", where(), atomic ? "atomically (posix-rename)"
                    : "by remove, then rename (the server offers no posix-rename)");
            session = s;
            sftp = c;
            return c;
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close(true);
            }
            throw new IOException(where() + ": cannot connect: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
    }

    /**
     * As OpenSSH does: offer first the host key types known_hosts holds for this server, so that a
     * server with several host keys shows the one pinned rather than the one we would prefer.
     */
    private List<NamedFactory<Signature>> knownHostKeysFirst() throws IOException {
        Set<String> known = KnownHostEntry.readKnownHostEntries(settings.knownHosts()).stream()
                .filter(e -> e.isHostMatch(settings.host(), settings.port()) && e.getKeyEntry() != null)
                .map(e -> KeyUtils.getCanonicalKeyType(e.getKeyEntry().getKeyType()))
                .collect(Collectors.toSet());
        List<NamedFactory<Signature>> ordered = new ArrayList<>(signatures);
        ordered.sort(Comparator.comparing(f -> !known.contains(KeyUtils.getCanonicalKeyType(f.getName()))));
        return ordered;
    }

    private void disconnect() {
        if (sftp != null) {
            try {
                sftp.close();
            } catch (IOException | RuntimeException ignored) {
                // the session goes next anyway
            }
            sftp = null;
        }
        if (session != null) {
            session.close(true);
            session = null;
        }
    }

    private String where() {
        return "SFTP drop folder " + settings.user() + "@" + settings.host() + ":" + settings.port();
    }

    private String path(String folder, String name) {
        return base + folder + "/" + checked(name);
    }

    private List<Entry> list(SftpClient c, String folder, Predicate<String> wanted) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (SftpClient.CloseableHandle dir = c.openDir(base + folder)) {
            for (SftpClient.DirEntry e : c.listDir(dir)) {
                SftpClient.Attributes a = e.getAttributes();
                if (wanted.test(e.getFilename()) && a.isRegularFile()) {
                    FileTime modified = a.getModifyTime();
                    out.add(new Entry(e.getFilename(), a.getSize(), modified == null ? Instant.EPOCH : modified.toInstant()));
                }
            }
        }
        out.sort(Comparator.comparing(Entry::modified).thenComparing(Entry::name));
        return out;
    }

    private static Void removeIfPresent(SftpClient c, String file) throws IOException {
        try {
            c.remove(file);
        } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                throw e;
            }
        }
        return null;
    }

    /** A name from a listing or the ledger is one path element; nothing may climb out of the folder. */
    private static String checked(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a file name of a drop folder");
        }
        return name;
    }
}

package jp.tokyo.juki.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded SFTP server of the agency drop folders (PROTOCOL §4; Apache MINA SSHD): one
 * account per agency, public-key authentication only — the key of its {@code agency-ID}
 * certificate — each account confined to its own folder holding {@code inbox/} and
 * {@code outbox/}, SFTP only (no shell, no commands), and only algorithms without SHA-1, CBC,
 * MD5 or small Diffie-Hellman groups. The host key is made once and kept, so agencies can pin
 * it in their known_hosts.
 */
public final class DropFolderServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DropFolderServer.class);
    /** what a modern client no longer needs and an old one must not get */
    private static final Pattern WEAK = Pattern.compile("(?i).*(sha1|cbc|md5|3des|arcfour|group1-|group14|group-exchange|ssh-rsa$|ssh-dss|none).*");

    private static final AttributeRepository.AttributeKey<String> FAILURE = new AttributeRepository.AttributeKey<>();
    private static final AttributeRepository.AttributeKey<String> ACCOUNT_ASKED = new AttributeRepository.AttributeKey<>();

    private final SshServer sshd;

    private DropFolderServer(SshServer sshd) {
        this.sshd = sshd;
    }

    /** Told of every connection that ended without logging in (for the audit). */
    @FunctionalInterface
    public interface RefusedLogin {
        /**
         * @param account the account asked for, if it looks like one (else {@code (other)} or {@code (none)})
         * @param clientIp the client's IP address
         * @param why     what failed: the key exchange (no common algorithm) or the authentication
         */
        void refused(String account, String clientIp, String why);
    }

    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    /**
     * @param root     one folder per account below it ({@code <root>/<account>/inbox|outbox})
     * @param accounts account name → the public key it logs in with
     */
    public static DropFolderServer start(String host, int port, Path root, Path hostKey, Map<String, PublicKey> accounts)
            throws IOException {
        return start(host, port, root, hostKey, accounts, account -> true, (account, clientIp, why) -> { });
    }

    /**
     * As above; an account logs in only while {@code stillValid} says so (its certificate not
     * revoked or expired), and {@code refusedLogin} is told of every connection closed before it
     * logged in.
     */
    public static DropFolderServer start(String host, int port, Path root, Path hostKey, Map<String, PublicKey> accounts,
                                         java.util.function.Predicate<String> stillValid, RefusedLogin refusedLogin)
            throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(host);
        sshd.setPort(port);
        Files.createDirectories(hostKey.toAbsolutePath().getParent());
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKey);
        keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        keys.setKeySize(256);
        // made (or read) now, not at the first connection; its public half is written beside it for the
        // agencies' known_hosts (the private file never leaves the gateway)
        java.security.KeyPair hostPair = keys.loadKeys(null).iterator().next();
        Path publicFile = hostKey.resolveSibling(hostKey.getFileName() + ".pub");
        String publicLine = org.apache.sshd.common.config.keys.PublicKeyEntry.toString(hostPair.getPublic()) + "\n";
        if (!Files.exists(publicFile) || !Files.readString(publicFile).equals(publicLine)) {
            Files.writeString(publicFile, publicLine);
        }
        sshd.setKeyPairProvider(keys);
        sshd.setKeyExchangeFactories(strong(sshd.getKeyExchangeFactories()));
        sshd.setCipherFactories(strong(sshd.getCipherFactories()));
        sshd.setMacFactories(strong(sshd.getMacFactories()));
        sshd.setSignatureFactories(strong(sshd.getSignatureFactories()));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setPublickeyAuthenticator((user, key, session) -> {
            session.setAttribute(ACCOUNT_ASKED, user);
            PublicKey expected = accounts.get(user);
            return expected != null && KeyUtils.compareKeys(expected, key) && stillValid.test(user);
        });
        VirtualFileSystemFactory folders = new VirtualFileSystemFactory(root.resolve(".nobody"));
        for (String account : accounts.keySet()) {
            Path home = root.resolve(account).toAbsolutePath();
            Files.createDirectories(home.resolve("inbox"));
            Files.createDirectories(home.resolve("outbox"));
            folders.setUserHomeDir(account, home);
        }
        sshd.setFileSystemFactory(folders);
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionNegotiationEnd(Session session, Map<KexProposalOption, String> ours,
                                              Map<KexProposalOption, String> theirs,
                                              Map<KexProposalOption, String> negotiated, Throwable reason) {
                if (reason != null) {
                    session.setAttribute(FAILURE, "key exchange failed: no algorithm both sides allow");
                }
            }

            @Override
            public void sessionClosed(Session session) {
                if (session instanceof ServerSession s && !s.isAuthenticated()) {
                    String user = s.getUsername() != null ? s.getUsername() : s.getAttribute(ACCOUNT_ASKED);
                    String account = user == null ? "(none)" : ACCOUNT.matcher(user).matches() ? user : "(other)";
                    String clientIp = s.getClientAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                            ? a.getAddress().getHostAddress() : "?";
                    String why = s.getAttribute(FAILURE);
                    LOG.info("SFTP connection from {} closed without logging in", clientIp);
                    refusedLogin.refused(account, clientIp, why != null ? why
                            : "not authenticated (public key of the account's certificate required)");
                }
            }
        });
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.start();
        LOG.info("SFTP drop folders listening on port {} for {} agencies", sshd.getPort(), accounts.size());
        return new DropFolderServer(sshd);
    }

    private static <T extends NamedResource> List<T> strong(List<T> factories) {
        return factories.stream().filter(f -> !WEAK.matcher(f.getName()).matches()).toList();
    }

    public int port() {
        return sshd.getPort();
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }
}

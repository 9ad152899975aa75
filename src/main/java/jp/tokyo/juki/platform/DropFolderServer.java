package jp.tokyo.juki.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.sshd.common.NamedResource;
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

    private final SshServer sshd;

    private DropFolderServer(SshServer sshd) {
        this.sshd = sshd;
    }

    /**
     * @param root     one folder per account below it ({@code <root>/<account>/inbox|outbox})
     * @param accounts account name → the public key it logs in with
     */
    public static DropFolderServer start(String host, int port, Path root, Path hostKey, Map<String, PublicKey> accounts)
            throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(host);
        sshd.setPort(port);
        Files.createDirectories(hostKey.toAbsolutePath().getParent());
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKey);
        keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        keys.setKeySize(256);
        sshd.setKeyPairProvider(keys);
        sshd.setKeyExchangeFactories(strong(sshd.getKeyExchangeFactories()));
        sshd.setCipherFactories(strong(sshd.getCipherFactories()));
        sshd.setMacFactories(strong(sshd.getMacFactories()));
        sshd.setSignatureFactories(strong(sshd.getSignatureFactories()));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setPublickeyAuthenticator((user, key, session) -> {
            PublicKey expected = accounts.get(user);
            return expected != null && KeyUtils.compareKeys(expected, key);
        });
        VirtualFileSystemFactory folders = new VirtualFileSystemFactory(root.resolve(".nobody"));
        for (String account : accounts.keySet()) {
            Path home = root.resolve(account).toAbsolutePath();
            Files.createDirectories(home.resolve("inbox"));
            Files.createDirectories(home.resolve("outbox"));
            folders.setUserHomeDir(account, home);
        }
        sshd.setFileSystemFactory(folders);
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

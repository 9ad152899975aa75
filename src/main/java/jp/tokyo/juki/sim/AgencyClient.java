package jp.tokyo.juki.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.PeerTrustManager;
import jp.tokyo.juki.security.Pem;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agency's side of the SFTP drop folder (PROTOCOL §4): logs in as the agency with the key of
 * its {@code agency-ID} certificate, after checking the server's host key against the pinned
 * key ({@code keystores/sftp-host.key.pub}) or a known_hosts file; signs its request CSV with that
 * certificate and encrypts it to the gateway's, uploads it under a temporary name and renames
 * it; then waits for the answer in {@code outbox/}, opens it, checks that the gateway signed it
 * and collects it (removes it, which tells the gateway it was delivered).
 *
 * <p>Logs file names, sizes and counts only: a request or an answer is personal data.
 */
public final class AgencyClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyClient.class);
    /** a name is one path segment of safe characters, so it can never leave the folder */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern AGENCY_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** the algorithms the drop folder server refuses too: a client never needs them */
    private static final Pattern WEAK = Pattern.compile(
            "(?i).*(sha1|cbc|md5|3des|arcfour|group1-|group14|group-exchange|ssh-rsa$|ssh-dss|none).*");

    /**
     * @param keystores  holds {@code agency-ID.pem}, {@code agency-ID.key.pem}, {@code gateway.pem},
     *                   {@code ca.pem}, {@code crl.pem} and (unless {@code knownHosts}) {@code sftp-host.key.pub}
     * @param knownHosts an OpenSSH known_hosts file to check the host key with instead of the pinned key; or null
     * @param poll       how often {@code outbox/} is looked at while waiting for an answer
     */
    public record Options(String host, int port, String agency, Path keystores, Path knownHosts, Duration poll) {
        public Options(String host, int port, String agency, Path keystores, Path knownHosts) {
            this(host, port, agency, keystores, knownHosts, Duration.ofMillis(200));
        }
    }

    /** An answer in {@code outbox/} that cannot be trusted or read; it is left there, not collected. */
    public static final class UntrustedAnswer extends Exception {
        UntrustedAnswer(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Options options;
    private final SshClient ssh;
    private final ClientSession session;
    private final SftpClient sftp;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final X509Certificate gateway;
    private final PeerTrustManager gatewaySigner;

    private AgencyClient(Options options, SshClient ssh, ClientSession session, SftpClient sftp, PrivateKey key,
                         X509Certificate certificate, X509Certificate gateway, PeerTrustManager gatewaySigner) {
        this.options = options;
        this.ssh = ssh;
        this.session = session;
        this.sftp = sftp;
        this.key = key;
        this.certificate = certificate;
        this.gateway = gateway;
        this.gatewaySigner = gatewaySigner;
    }

    /** Logs in to the agency's drop folder; fails if the host key is not the expected one. */
    public static AgencyClient connect(Options o) throws IOException {
        if (o.agency() == null || !AGENCY_ID.matcher(o.agency()).matches()) {
            throw new IllegalArgumentException("an agency ID is 1-32 of a-z 0-9 -, as in config/agencies.yaml");
        }
        Path dir = o.keystores();
        String identity = "agency-" + o.agency();
        X509Certificate certificate;
        PrivateKey key;
        X509Certificate gateway;
        try {
            certificate = Pem.readCertificate(dir.resolve(identity + ".pem"));
            key = Pem.readPrivateKey(dir.resolve(identity + ".key.pem"));
            gateway = Pem.readCertificate(dir.resolve(Identities.GATEWAY + ".pem"));
        } catch (NoSuchFileException e) {
            throw new IOException("no " + e.getFile() + " (the agency's certificate and key, and the gateway's "
                    + "certificate; './gateway pki init' makes a development PKI)", e);
        }
        // no password: the trust check needs only the CA and the CRL (PEM), no PKCS#12 store
        KeyMaterial keys = new KeyMaterial(dir, new char[0], Duration.ofSeconds(5));
        PeerTrustManager gatewaySigner = keys.trustManager(Identities.exactly(Identities.GATEWAY), "agency-sim");

        AtomicBoolean hostKeyRefused = new AtomicBoolean();
        ServerKeyVerifier expected = hostKeyVerifier(o);
        SshClient ssh = SshClient.setUpDefaultClient();
        ssh.setServerKeyVerifier((s, address, serverKey) -> {
            boolean ok = expected.verifyServerKey(s, address, serverKey);
            hostKeyRefused.set(!ok);
            return ok;
        });
        ssh.setKeyExchangeFactories(strong(ssh.getKeyExchangeFactories()));
        ssh.setCipherFactories(strong(ssh.getCipherFactories()));
        ssh.setMacFactories(strong(ssh.getMacFactories()));
        ssh.setSignatureFactories(strong(ssh.getSignatureFactories()));
        ssh.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        // only what is configured here: no ~/.ssh/config redirecting host, port or user, no other identities
        ssh.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        ssh.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        ssh.start();
        ClientSession session = null;
        try {
            session = ssh.connect(o.agency(), o.host(), o.port()).verify(Duration.ofSeconds(30)).getSession();
            session.addPublicKeyIdentity(new KeyPair(certificate.getPublicKey(), key));
            session.auth().verify(Duration.ofSeconds(30));
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            LOG.info("agency {}: logged in to the SFTP drop folder at {}:{}", o.agency(), o.host(), o.port());
            return new AgencyClient(o, ssh, session, sftp, key, certificate, gateway, gatewaySigner);
        } catch (IOException | RuntimeException e) {
            closeQuietly(session);
            ssh.stop();
            if (hostKeyRefused.get()) {
                throw new IOException("SFTP server " + o.host() + ":" + o.port() + ": host key not accepted ("
                        + (o.knownHosts() != null ? "not in " + o.knownHosts() : "not the key of "
                        + dir.resolve("sftp-host.key.pub")) + ")", e);
            }
            throw new IOException("SFTP drop folder " + o.host() + ":" + o.port() + " as " + o.agency() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The server's host key must be the pinned one, or one a known_hosts file lists for this
     * host and port; anything else — unknown, changed — is refused, never added.
     */
    private static ServerKeyVerifier hostKeyVerifier(Options o) throws IOException {
        if (o.knownHosts() != null) {
            if (!Files.isRegularFile(o.knownHosts())) {
                throw new IOException("no known_hosts file at " + o.knownHosts());
            }
            KnownHostsServerKeyVerifier v = new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE,
                    o.knownHosts());
            v.setModifiedServerKeyAcceptor((s, address, entry, expected, actual) -> false);
            return v;
        }
        return new RequiredServerKeyVerifier(pinnedHostKey(o.keystores().resolve("sftp-host.key.pub")));
    }

    /**
     * The drop folder server's host key as the gateway publishes it for agencies
     * ({@code sftp-host.key.pub}, one OpenSSH public key line) — the private file is the gateway's.
     */
    static PublicKey pinnedHostKey(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no SFTP host key at " + file + " (the gateway writes it there when it starts); or "
                    + "give a known_hosts file");
        }
        try {
            return PublicKeyEntry.parsePublicKeyEntry(Files.readString(file).strip())
                    .resolvePublicKey(null, null, null);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + ": not an OpenSSH public key line", e);
        }
    }

    private static <T extends NamedResource> List<T> strong(List<T> factories) {
        return factories.stream().filter(f -> !WEAK.matcher(f.getName()).matches()).toList();
    }

    /** Signs the CSV with the agency's certificate and encrypts it to the gateway's (PROTOCOL §4). */
    public byte[] protect(byte[] csv) throws IOException {
        return CmsFiles.protect(csv, key, certificate, gateway);
    }

    /** {@link #protect} and {@link #upload}. */
    public void submit(String name, byte[] csv) throws IOException {
        upload(name, protect(csv));
    }

    /**
     * Writes {@code inbox/<name>.req.p7m.part}, then renames it to {@code inbox/<name>.req.p7m}:
     * the gateway reads only final names, so it never sees half a file. Refuses a name whose
     * answer is still waiting in {@code outbox/}, which would be taken for this request's.
     */
    public void upload(String name, byte[] protectedFile) throws IOException {
        requireName(name);
        for (String answer : List.of(resultFile(name), errorFile(name))) {
            if (exists(answer)) {
                throw new IOException(answer + " is waiting to be collected; collect it or use another name");
            }
        }
        String part = "inbox/" + name + ".req.p7m.part";
        String target = "inbox/" + name + ".req.p7m";
        try (OutputStream out = sftp.write(part)) {
            out.write(protectedFile);
        }
        sftp.rename(part, target);
        LOG.info("agency {}: uploaded {} ({} bytes)", options.agency(), target, protectedFile.length);
    }

    /**
     * Waits for {@code outbox/<name>.res.p7m} or {@code outbox/<name>.err.p7m}, opens it, checks
     * that the gateway signed it (network CA, valid, not revoked, CN {@code gateway}), reads it
     * and collects it. An answer that fails those checks is left in {@code outbox/}.
     */
    public AgencyAnswer awaitAnswer(String name, Duration timeout)
            throws IOException, TimeoutException, UntrustedAnswer, InterruptedException {
        requireName(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String file : List.of(resultFile(name), errorFile(name))) {
                if (exists(file)) {
                    return collect(file);
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new TimeoutException("no answer to inbox/" + name + ".req.p7m within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(options.poll().toMillis());
        }
    }

    private AgencyAnswer collect(String file) throws IOException, UntrustedAnswer {
        long start = System.nanoTime();
        byte[] bytes;
        try (InputStream in = sftp.read(file)) {
            bytes = in.readAllBytes();
        }
        long downloaded = System.nanoTime();
        String shortName = file.substring("outbox/".length());
        CmsFiles.Opened opened;
        try {
            opened = CmsFiles.open(bytes, key, certificate);
            gatewaySigner.check(new X509Certificate[]{opened.signer()});
        } catch (CmsFiles.Refused | CertificateException e) {
            throw new UntrustedAnswer(file + ": " + e.getMessage() + "; left in outbox/");
        }
        long verified = System.nanoTime();
        AgencyAnswer answer;
        try {
            answer = file.endsWith(".res.p7m") ? AgencyAnswer.result(shortName, opened.content())
                    : AgencyAnswer.fileError(shortName, opened.content());
        } catch (AgencyAnswer.Malformed e) {
            throw new UntrustedAnswer(e.getMessage() + "; left in outbox/");
        }
        sftp.remove(file);
        long end = System.nanoTime();
        LOG.info("agency {}: collected {} ({} bytes{}) in {} ms: download {} ms, decryption and verification {} ms, "
                        + "reading and removal {} ms", options.agency(), file, bytes.length,
                answer instanceof AgencyAnswer.Result r ? ", " + r.rows().size() + " rows" : "",
                (end - start) / 1_000_000, (downloaded - start) / 1_000_000, (verified - downloaded) / 1_000_000,
                (end - verified) / 1_000_000);
        return answer;
    }

    private boolean exists(String path) throws IOException {
        try {
            sftp.stat(path);
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    private static String resultFile(String name) {
        return "outbox/" + name + ".res.p7m";
    }

    private static String errorFile(String name) {
        return "outbox/" + name + ".err.p7m";
    }

    /** Whether {@code name} may name a request file: 1-100 of A-Z a-z 0-9 . _ -, starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void requireName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("a request name is 1-100 of A-Z a-z 0-9 . _ - (not starting with . _ -)");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // already failing; the first error is the one to report
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sftp.close();
        } finally {
            try {
                session.close();
            } finally {
                ssh.stop();
            }
        }
    }
}

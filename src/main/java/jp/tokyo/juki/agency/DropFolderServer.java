package jp.tokyo.juki.agency;

import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.platform.GatewayConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.session.ServerUserAuthService;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded SFTP server of the agency drop folders (PROTOCOL §4; Apache MINA SSHD): one
 * account per agency, public-key authentication only — the key of its {@code agency-ID}
 * certificate — each account confined to its own folder holding {@code inbox/} and
 * {@code outbox/}, SFTP only (no shell, no commands).
 *
 * <p>Algorithms (what ssh-audit passes): key exchange ML-KEM-768/sntrup761 hybrids with X25519
 * and curve25519 only (no NIST curves, no finite-field groups); an Ed25519 host key
 * ({@link SftpHostKey}, made once and kept so agencies can pin it in their known_hosts); AEAD
 * ciphers (chacha20-poly1305, AES-GCM) and AES-CTR with encrypt-then-MAC SHA-2 MACs only; no
 * compression. MINA SSHD's strict key exchange (Terrapin) is on by itself.
 *
 * <p>Inside the folders {@link DropFolderAccess} decides what an agency may do (no chmod, no
 * folders, writes only to {@code inbox/}, a quota); {@link DropFolderSweep} removes stale uploads
 * and stray entries; {@link LoginBans} closes the port to an address after repeated failed
 * logins. Each refusal is audited through {@link Audit}.
 */
public final class DropFolderServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DropFolderServer.class);

    /** key exchanges offered, best first: post-quantum hybrids, then X25519 */
    static final List<BuiltinDHFactories> KEX = List.of(BuiltinDHFactories.mlkem768x25519,
            BuiltinDHFactories.sntrup761x25519, BuiltinDHFactories.sntrup761x25519_openssh,
            BuiltinDHFactories.curve25519, BuiltinDHFactories.curve25519_libssh);
    static final List<BuiltinCiphers> CIPHERS = List.of(BuiltinCiphers.cc20p1305_openssh, BuiltinCiphers.aes256gcm,
            BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes128ctr);
    static final List<BuiltinMacs> MACS = List.of(BuiltinMacs.hmacsha512etm, BuiltinMacs.hmacsha256etm);
    /** user-authentication signatures: an agency's certificate key is RSA or EC; no SHA-1 (ssh-rsa) */
    private static final Pattern WEAK_SIGNATURE = Pattern.compile("(?i).*(sha1|ssh-rsa$|ssh-dss|-cert-v01@openssh.com$|^sk-).*");

    private static final AttributeRepository.AttributeKey<String> FAILURE = new AttributeRepository.AttributeKey<>();
    private static final AttributeRepository.AttributeKey<String> ACCOUNT_ASKED = new AttributeRepository.AttributeKey<>();
    private static final AttributeRepository.AttributeKey<Boolean> BANNED = new AttributeRepository.AttributeKey<>();
    /** the session sent a user-authentication request (publickey, password, none, …): the account it named */
    private static final AttributeRepository.AttributeKey<String> AUTH_TRIED = new AttributeRepository.AttributeKey<>();
    /** the session counts among its address's unauthenticated sessions (removed when it no longer does) */
    private static final AttributeRepository.AttributeKey<String> UNAUTHENTICATED = new AttributeRepository.AttributeKey<>();
    /** the session was closed at once: its address had too many unauthenticated sessions */
    private static final AttributeRepository.AttributeKey<Boolean> CAPPED = new AttributeRepository.AttributeKey<>();
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final SshServer sshd;
    private final ScheduledExecutorService sweeper;

    private DropFolderServer(SshServer sshd, ScheduledExecutorService sweeper) {
        this.sshd = sshd;
        this.sweeper = sweeper;
    }

    /** Where the server's refusals and removals are audited (line {@code sftp}). */
    @FunctionalInterface
    public interface Audit {
        /**
         * @param account the agency account concerned, or null (a login that failed: the detail names what was asked)
         * @param type    {@code SFTP_LOGIN}, {@code SFTP_BAN}, {@code SFTP_REQUEST}, {@code SFTP_QUOTA}, {@code SFTP_SWEEP}
         * @param code    S100 … S140 (docs/protocol.md)
         */
        void record(String account, GatewayEvent type, AuditStatus status, String code, String detail);
    }

    /**
     * The limits of the drop folders ({@code juki.sftp.*}).
     *
     * @param quotaBytes  bytes an account may hold in {@code inbox/} (all its files together)
     * @param partMaxAge  an upload (any file in {@code inbox/} not named {@code *.req.p7m}) untouched this long is removed
     * @param sweepEvery  how often the folders are swept
     * @param banFailures failed logins from one address within {@code banWindow} that ban it (0: never)
     * @param banFor      how long a banned address is refused
     * @param maxInboxFiles entries an account's {@code inbox/} may hold (a new file past it is refused, S120)
     * @param maxUnauthenticatedPerAddress connections from one address not (yet) logged in at once; more are closed at once
     */
    public record Settings(long quotaBytes, Duration partMaxAge, Duration sweepEvery, int banFailures, Duration banWindow,
                           Duration banFor, int maxInboxFiles, int maxUnauthenticatedPerAddress) {
        public static Settings defaults() {
            return of(GatewayConfig.of(Map.of()));
        }

        /** from {@link SftpSettings} ({@code juki.sftp.*}) */
        public static Settings of(GatewayConfig config) {
            return new Settings(config.get(SftpSettings.QUOTA) * 1024L * 1024L, config.get(SftpSettings.PART_MAX_AGE),
                    config.get(SftpSettings.SWEEP), config.get(SftpSettings.BAN_FAILURES), config.get(SftpSettings.BAN_WINDOW),
                    config.get(SftpSettings.BAN), config.get(SftpSettings.MAX_INBOX_FILES),
                    config.get(SftpSettings.MAX_UNAUTHENTICATED_PER_ADDRESS));
        }
    }

    /**
     * @param root     one folder per account below it ({@code <root>/<account>/inbox|outbox})
     * @param accounts account name → the public key it logs in with
     */
    public static DropFolderServer start(String host, int port, Path root, Path hostKey, Map<String, PublicKey> accounts)
            throws IOException {
        return start(host, port, root, hostKey, accounts, account -> true, Settings.defaults(),
                (account, type, status, code, detail) -> { });
    }

    /**
     * As above; an account logs in only while {@code stillValid} says so (its certificate not
     * revoked or expired), and {@code audit} is told of every connection closed before it logged
     * in, every ban, every refused request and every entry the sweep removed.
     */
    public static DropFolderServer start(String host, int port, Path root, Path hostKey, Map<String, PublicKey> accounts,
                                         Predicate<String> stillValid, Settings settings, Audit audit)
            throws IOException {
        SftpHostKey.Loaded key = SftpHostKey.load(hostKey);
        if (key.replaced() != null) {
            audit.record(null, GatewayEvent.SFTP_HOST_KEY, AuditStatus.REPLACED,
                    null, "the " + key.replaced() + " host key was replaced by "
                    + KeyUtils.getKeyType(key.pair()) + " " + KeyUtils.getFingerPrint(key.pair().getPublic())
                    + "; agencies need the new known_hosts line");
        }
        DropFolderSweep sweep = new DropFolderSweep(root.toAbsolutePath(), List.copyOf(accounts.keySet()), settings.partMaxAge(),
                audit);
        sweep.prepare();
        LoginBans bans = new LoginBans(settings.banFailures(), settings.banWindow(), settings.banFor());
        AuditDigest digest = new AuditDigest(audit);
        Map<String, Integer> unauthenticated = new ConcurrentHashMap<>();

        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setKeyExchangeFactories(only(sshd.getKeyExchangeFactories(), names(KEX)));
        sshd.setCipherFactories(only(sshd.getCipherFactories(), names(CIPHERS)));
        sshd.setMacFactories(only(sshd.getMacFactories(), names(MACS)));
        sshd.setCompressionFactories(only(sshd.getCompressionFactories(), List.of(BuiltinCompressions.none.getName())));
        sshd.setSignatureFactories(sshd.getSignatureFactories().stream()
                .filter(f -> !WEAK_SIGNATURE.matcher(f.getName()).matches()).toList());
        sshd.setHost(host);
        sshd.setPort(port);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(key.pair()));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setPublickeyAuthenticator((user, offered, session) -> {
            session.setAttribute(ACCOUNT_ASKED, user);
            PublicKey expected = accounts.get(user);
            return expected != null && KeyUtils.compareKeys(expected, offered) && stillValid.test(user)
                    && !bans.refuses(clientIp(session), Instant.now());
        });
        VirtualFileSystemFactory folders = new VirtualFileSystemFactory(root.toAbsolutePath().resolve(".nobody"));
        for (String account : accounts.keySet()) {
            folders.setUserHomeDir(account, root.resolve(account).toAbsolutePath());
        }
        sshd.setFileSystemFactory(folders);
        // notes every user-authentication request (MINA sets the user name only on success, and calls the
        // authenticator only for the methods it offers: a password or "none" attempt would go unseen)
        sshd.setServiceFactories(List.of(new ServerUserAuthServiceFactory() {
            @Override
            public Service create(Session session) throws IOException {
                return new ServerUserAuthService(session) {
                    @Override
                    public synchronized void process(int cmd, Buffer buffer) throws Exception {
                        if (cmd == SshConstants.SSH_MSG_USERAUTH_REQUEST) {
                            int at = buffer.rpos();
                            String user;
                            try {
                                user = buffer.getString();
                            } catch (RuntimeException malformed) {
                                user = "";
                            } finally {
                                buffer.rpos(at);
                            }
                            session.setAttribute(AUTH_TRIED, user.length() > 64 ? user.substring(0, 64) : user);
                        }
                        super.process(cmd, buffer);
                    }
                };
            }
        }, ServerConnectionServiceFactory.INSTANCE));
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                // (MINA SSHD leaks the socket of a connection its IoServiceEventListener refuses: closed here instead)
                if (session instanceof ServerSession s && bans.refuses(clientIp(s), Instant.now())) {
                    s.setAttribute(BANNED, Boolean.TRUE);
                    s.close(true); // audited once per sweep with the count (LoginBans.report), not per connection
                } else if (session instanceof ServerSession s) {
                    String ip = clientIp(s);
                    s.setAttribute(UNAUTHENTICATED, ip);
                    if (unauthenticated.merge(ip, 1, Integer::sum) > settings.maxUnauthenticatedPerAddress()) {
                        s.setAttribute(CAPPED, Boolean.TRUE);
                        s.close(true);
                    }
                }
            }

            /** the session no longer counts among its address's unauthenticated ones (once) */
            private void release(Session session) {
                String ip = session.removeAttribute(UNAUTHENTICATED);
                if (ip != null) {
                    unauthenticated.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
                }
            }

            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    release(session);
                }
            }

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
                release(session);
                if (session instanceof ServerSession s && !s.isAuthenticated() && s.getAttribute(BANNED) == null) {
                    String clientIp = clientIp(s);
                    if (s.getAttribute(CAPPED) != null) {
                        digest.record("S100 " + clientIp + " capped", null,
                                GatewayEvent.SFTP_LOGIN, AuditStatus.REFUSED, "S100",
                                "connection closed at once: more than " + settings.maxUnauthenticatedPerAddress()
                                        + " connections not logged in at once from " + clientIp,
                                "connection(s) from " + clientIp + " closed at once (more than "
                                        + settings.maxUnauthenticatedPerAddress() + " not logged in at once)");
                        return;
                    }
                    String user = s.getAttribute(AUTH_TRIED) != null ? s.getAttribute(AUTH_TRIED) : s.getAttribute(ACCOUNT_ASKED);
                    String account = user == null ? "(none)" : ACCOUNT.matcher(user).matches() ? user : "(other)";
                    String why = s.getAttribute(FAILURE) != null ? s.getAttribute(FAILURE)
                            : user != null ? "not authenticated (public key of the account's certificate required)"
                            : "closed before any login was tried";
                    // one record per address and kind at once, the repeats counted till the next sweep (a flood of
                    // bare connections must not outrun the audit)
                    // (keyed by the account only when it is one of ours: a peer cannot multiply the keys by names)
                    String known = user != null && accounts.containsKey(user) ? user : user == null ? "(none)" : "(other)";
                    if (digest.record("S100 " + clientIp + " " + known + " " + why, null,
                            GatewayEvent.SFTP_LOGIN, AuditStatus.REFUSED, "S100",
                            why + " (account " + account + ", from " + clientIp + ")",
                            "connection(s) from " + clientIp + " closed without logging in: " + why + " (account " + known
                                    + ")")) {
                        LOG.info("SFTP connection from {} closed without logging in", clientIp);
                    }
                    if (user != null) {
                        // an authentication (any method) was tried and failed (a scanner's bare key exchange is not a login)
                        String ban = bans.failed(clientIp, Instant.now());
                        if (ban != null) {
                            LOG.warn("SFTP: {}", ban);
                            audit.record(null, GatewayEvent.SFTP_BAN, AuditStatus.REFUSED, "S140", ban);
                        }
                    }
                }
            }
        });
        DropFolderAccess access = new DropFolderAccess(settings.quotaBytes(), settings.maxInboxFiles(), digest);
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().withFileSystemAccessor(access)
                .withSftpErrorStatusDataHandler(access).build();
        sftp.addSftpEventListener(access);
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.start();

        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sftp-sweep");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, settings.sweepEvery().toSeconds());
        sweeper.scheduleWithFixedDelay(() -> {
            Instant now = Instant.now();
            try {
                sweep.sweep(now);
                for (String line : bans.report(now)) {
                    audit.record(null, GatewayEvent.SFTP_BAN, AuditStatus.REFUSED, "S140", line);
                }
            } finally {
                digest.report(); // the repeats folded since the last sweep, one record per address or account and kind
            }
        }, every, every, TimeUnit.SECONDS);
        LOG.info("SFTP drop folders listening on port {} for {} agencies (host key {} {}; inbox quota {} MiB)", sshd.getPort(),
                accounts.size(), KeyUtils.getKeyType(key.pair()), KeyUtils.getFingerPrint(key.pair().getPublic()),
                settings.quotaBytes() / (1024 * 1024));
        return new DropFolderServer(sshd, sweeper);
    }

    private static String clientIp(ServerSession s) {
        return s.getClientAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "?";
    }

    /** the factories named, in the order named; one MINA SSHD lacks fails the start (so a weaker list is never offered) */
    private static <T extends NamedResource> List<T> only(List<T> available, List<String> wanted) {
        List<T> out = wanted.stream().map(n -> available.stream().filter(f -> f.getName().equals(n)).findFirst()
                .orElseThrow(() -> new IllegalStateException("SFTP: algorithm " + n + " not available"))).toList();
        return out;
    }

    /** the names of what is offered (for tests and the operator's docs) */
    static <T extends NamedResource> List<String> names(List<T> factories) {
        return factories.stream().map(NamedResource::getName).toList();
    }

    /**
     * The public half of the host key in {@code file}, read as the server reads it, without starting a server: every
     * node of several compares its fingerprint, also one that does not hold the SFTP lease (issue 14).
     */
    public static PublicKey hostKey(Path file) throws IOException {
        return SftpHostKey.publicKey(file);
    }

    public int port() {
        return sshd.getPort();
    }

    @Override
    public void close() throws IOException {
        sweeper.shutdownNow();
        sshd.stop(true);
    }
}

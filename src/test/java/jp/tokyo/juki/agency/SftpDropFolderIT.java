package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.TestPki;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agency's drop folder on an external SFTP server, as the gateway reaches it (PROTOCOL §4):
 * {@link SftpDropFolder} logging in with the gateway's key to a plain MINA SSHD SFTP server (the
 * embedded {@code DropFolderServer} lets an account write to its {@code inbox/} only, as an
 * agency; here the gateway writes answers), whose host key it knows only from a known_hosts file.
 */
class SftpDropFolderIT {
    private static final String ACCOUNT = "gateway";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** who the server saw leave without logging in: account as the server names it */
    private static final List<String> refused = new CopyOnWriteArrayList<>();

    private static Path root;
    private static Path hostKey;
    private static int port;
    private static PublicKey gatewayKey;
    private static PublicKey serverHostKey;
    private static SshServer server;
    private static SftpDropFolder folder;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("sftp-drop");
        port = Ports.free();
        gatewayKey = Pem.readCertificate(TestPki.dir().resolve(Identities.GATEWAY + ".pem")).getPublicKey();
        // the server makes its host key at the first connection and keeps it; an installation has it already
        hostKey = root.resolve("sftp-host.key");
        SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKey);
        keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        keys.setKeySize(256);
        serverHostKey = keys.loadKeys(null).get(0).getPublic();
        server = startServer();
        folder = new SftpDropFolder(settings(knownHosts("known_hosts", "[127.0.0.1]:" + port, serverHostKey)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (folder != null) {
            folder.close();
        }
        if (server != null) {
            server.stop(true);
        }
    }

    @BeforeEach
    void emptyFolders() throws IOException {
        for (String dir : List.of("inbox", "outbox")) {
            try (Stream<Path> files = Files.list(home().resolve(dir))) {
                for (Path f : files.toList()) {
                    Files.delete(f); // files, and the empty folder one test makes
                }
            }
        }
    }

    private static SshServer startServer() throws IOException {
        Files.createDirectories(home().resolve("inbox"));
        Files.createDirectories(home().resolve("outbox"));
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(port);
        s.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKey));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setPublickeyAuthenticator((user, key, session) -> ACCOUNT.equals(user) && KeyUtils.compareKeys(gatewayKey, key));
        s.setFileSystemFactory(new VirtualFileSystemFactory(home()));
        s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        s.addSessionListener(new SessionListener() {
            @Override
            public void sessionClosed(Session session) {
                if (session instanceof ServerSession ss && !ss.isAuthenticated()) {
                    refused.add(ss.getUsername() == null ? "(none)" : ss.getUsername());
                }
            }
        });
        s.start();
        return s;
    }

    private static Path home() {
        return root.resolve("folders").resolve(ACCOUNT);
    }

    private static SftpDropFolder.Settings settings(Path knownHosts) throws Exception {
        return settings(port, knownHosts, TIMEOUT);
    }

    /** The gateway's identity as an agency's server knows it; the server's host key as known_hosts pins it. */
    private static SftpDropFolder.Settings settings(int serverPort, Path knownHosts, Duration timeout) throws Exception {
        return new SftpDropFolder.Settings("127.0.0.1", serverPort, ACCOUNT,
                TestPki.dir().resolve(Identities.GATEWAY + ".key.pem"), knownHosts, timeout, null);
    }

    private static Path knownHosts(String file, String host, PublicKey key) throws IOException {
        Path p = root.resolve(file);
        Files.writeString(p, host + " " + PublicKeyEntry.toString(key) + "\n", StandardCharsets.US_ASCII);
        return p;
    }

    /** What the agency (or the server's own side) put there. */
    private static void put(String folderName, String name, String content, Instant modified) throws IOException {
        Path f = home().resolve(folderName).resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(f, FileTime.from(modified));
    }

    private static KeyPair anotherEcKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    @Test
    void requestsAreTheCompleteRequestFilesOfTheInboxOldestFirst() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        put("inbox", "newer.req.p7m", "newer request", now.minus(Duration.ofMinutes(1)));
        put("inbox", "older.req.p7m", "older", now.minus(Duration.ofMinutes(5)));
        put("inbox", "uploading.req.p7m.part", "half a request", now.minus(Duration.ofMinutes(9)));
        put("inbox", "notes.txt", "not a request", now.minus(Duration.ofMinutes(9)));
        Files.createDirectory(home().resolve("inbox/folder.req.p7m"));

        List<DropFolder.Entry> requests = folder.requests();

        assertThat(requests).containsExactly(
                new DropFolder.Entry("older.req.p7m", 5, now.minus(Duration.ofMinutes(5))),
                new DropFolder.Entry("newer.req.p7m", 13, now.minus(Duration.ofMinutes(1))));
    }

    @Test
    void aRequestIsReadThenRemovedAndRemovingItAgainIsNoError() throws Exception {
        byte[] content = {0x30, (byte) 0x82, 0x01, 0x00, (byte) 0xff, 0x00};
        Files.write(home().resolve("inbox/a.req.p7m"), content);

        assertThat(folder.readRequest("a.req.p7m")).isEqualTo(content);
        folder.removeRequest("a.req.p7m");
        folder.removeRequest("a.req.p7m");

        assertThat(home().resolve("inbox/a.req.p7m")).doesNotExist();
        assertThat(folder.requests()).isEmpty();
    }

    @Test
    void aMissingRequestFailsThatCallOnly() throws Exception {
        put("inbox", "here.req.p7m", "x", Instant.now());

        assertThatThrownBy(() -> folder.readRequest("gone.req.p7m")).isInstanceOf(IOException.class);

        assertThat(folder.requests()).extracting(DropFolder.Entry::name).containsExactly("here.req.p7m");
    }

    @Test
    void anAnswerIsWrittenAsAPartThenPublishedInPlaceOfTheOlderAnswer() throws Exception {
        put("outbox", "r.res.p7m", "older answer", Instant.now().minus(Duration.ofHours(1)));
        byte[] answer = new byte[300_000]; // several SFTP writes
        new Random(7).nextBytes(answer);

        folder.writePart("r.res.p7m", answer);

        assertThat(folder.hasPart("r.res.p7m")).isTrue();
        assertThat(home().resolve("outbox/r.res.p7m.part")).hasBinaryContent(answer);
        assertThat(folder.answers()).extracting(DropFolder.Entry::name, DropFolder.Entry::size)
                .containsExactly(tuple("r.res.p7m", 12L));

        folder.publish("r.res.p7m");

        assertThat(folder.hasPart("r.res.p7m")).isFalse();
        assertThat(home().resolve("outbox/r.res.p7m")).hasBinaryContent(answer);
        assertThat(home().resolve("outbox/r.res.p7m.part")).doesNotExist();
    }

    @Test
    void writingAPartAgainReplacesItsContent() throws Exception {
        folder.writePart("w.err.p7m", "a longer first attempt".getBytes(StandardCharsets.UTF_8));

        folder.writePart("w.err.p7m", "second".getBytes(StandardCharsets.UTF_8));

        assertThat(home().resolve("outbox/w.err.p7m.part")).hasContent("second");
    }

    @Test
    void answersAreTheFinalFilesOfTheOutbox() throws Exception {
        Instant then = Instant.now().minus(Duration.ofHours(80)).truncatedTo(ChronoUnit.SECONDS);
        put("outbox", "a.res.p7m", "answer", then);
        put("outbox", "b.err.p7m", "refusal", then.plusSeconds(60));
        put("outbox", "c.res.p7m.part", "not yet", then);

        assertThat(folder.answers()).containsExactly(
                new DropFolder.Entry("a.res.p7m", 6, then),
                new DropFolder.Entry("b.err.p7m", 7, then.plusSeconds(60)));
    }

    @Test
    void anAnswerIsErasedAndErasingItAgainIsNoError() throws Exception {
        put("outbox", "old.res.p7m", "answer", Instant.now());

        folder.eraseAnswer("old.res.p7m");
        folder.eraseAnswer("old.res.p7m");

        assertThat(home().resolve("outbox/old.res.p7m")).doesNotExist();
        assertThat(folder.answers()).isEmpty();
    }

    @Test
    void aNameThatIsAPathIsRefused() {
        assertThatThrownBy(() -> folder.readRequest("../outbox/x.res.p7m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> folder.writePart("..", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> folder.eraseAnswer("a\\b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aServerShowingAnotherHostKeyIsRefusedBeforeTheGatewayLogsIn() throws Exception {
        put("inbox", "a.req.p7m", "x", Instant.now());
        Path pinned = knownHosts("known_hosts_other", "[127.0.0.1]:" + port, anotherEcKey().getPublic());
        String before = Files.readString(pinned);
        refused.clear();

        try (SftpDropFolder impostor = new SftpDropFolder(settings(pinned))) {
            assertThatThrownBy(impostor::requests).isInstanceOf(IOException.class).hasMessageContaining("cannot connect");
            assertThatThrownBy(impostor::requests).isInstanceOf(IOException.class);
        }

        // the connection ended before any user name was sent, and the pinned key was not replaced
        await().atMost(Duration.ofSeconds(10)).until(() -> !refused.isEmpty());
        assertThat(refused).containsOnly("(none)");
        assertThat(pinned).hasContent(before);
    }

    @Test
    void anUnknownServerIsRefusedAndNotLearned() throws Exception {
        Path otherHost = knownHosts("known_hosts_unknown", "[127.0.0.1]:" + Ports.free(), serverHostKey);
        String before = Files.readString(otherHost);

        try (SftpDropFolder unknown = new SftpDropFolder(settings(otherHost))) {
            assertThatThrownBy(unknown::requests).isInstanceOf(IOException.class);
        }

        assertThat(otherHost).hasContent(before);
    }

    @Test
    void withoutAKnownHostsFileNoFolderIsMade() {
        assertThatThrownBy(() -> new SftpDropFolder(settings(root.resolve("no-such-known_hosts"))))
                .isInstanceOf(IOException.class).hasMessageContaining("known_hosts");
    }

    @Test
    void theFirstCallAfterTheServerRestartedWorks() throws Exception {
        put("inbox", "a.req.p7m", "x", Instant.now());
        assertThat(folder.requests()).extracting(DropFolder.Entry::name).containsExactly("a.req.p7m");

        server.stop(true);
        server = startServer();

        assertThat(folder.requests()).extracting(DropFolder.Entry::name).containsExactly("a.req.p7m");
    }

    @Test
    void aCallWhileTheServerIsDownFailsAndTheNextAfterItIsBackWorks() throws Exception {
        put("inbox", "before.req.p7m", "x", Instant.now().minusSeconds(60));
        assertThat(folder.requests()).extracting(DropFolder.Entry::name).containsExactly("before.req.p7m");

        server.stop(true);
        assertThatThrownBy(folder::requests).isInstanceOf(IOException.class);
        put("inbox", "during.req.p7m", "y", Instant.now());
        server = startServer();

        assertThat(folder.requests()).extracting(DropFolder.Entry::name).containsExactly("before.req.p7m", "during.req.p7m");
    }

    @Test
    void aConnectionThatGoesSilentFailsWithinTheTimeoutAndTheNextCallConnectsAgain() throws Exception {
        put("inbox", "a.req.p7m", "x", Instant.now());
        Duration timeout = Duration.ofSeconds(2);
        try (Relay relay = new Relay(port);
             SftpDropFolder viaRelay = new SftpDropFolder(settings(relay.port(),
                     knownHosts("known_hosts_relay", "[127.0.0.1]:" + relay.port(), serverHostKey), timeout))) {
            assertThat(viaRelay.requests()).extracting(DropFolder.Entry::name).containsExactly("a.req.p7m");

            relay.forgetOpenConnections();
            long t0 = System.nanoTime();
            assertThatThrownBy(viaRelay::requests).isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(timeout.multipliedBy(3));

            assertThat(viaRelay.requests()).extracting(DropFolder.Entry::name).containsExactly("a.req.p7m");
        }
    }

    @Test
    void aServerWithSeveralHostKeysIsReachedThroughTheOnePinned() throws Exception {
        // the client would prefer the EC key; known_hosts pins the RSA one (an agency certificate's key serves)
        Path pki = TestPki.dir();
        KeyPair rsa = new KeyPair(Pem.readCertificate(pki.resolve(TestPki.OTHER_AGENCY + ".pem")).getPublicKey(),
                Pem.readPrivateKey(pki.resolve(TestPki.OTHER_AGENCY + ".key.pem")));
        Path otherHome = Files.createDirectories(root.resolve("several/inbox")).getParent();
        Files.createDirectories(otherHome.resolve("outbox"));
        Files.writeString(otherHome.resolve("inbox/s.req.p7m"), "x");
        SshServer several = SshServer.setUpDefaultServer();
        several.setHost("127.0.0.1");
        several.setPort(Ports.free());
        several.setKeyPairProvider(KeyPairProvider.wrap(anotherEcKey(), rsa));
        several.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(gatewayKey, key));
        several.setFileSystemFactory(new VirtualFileSystemFactory(otherHome));
        several.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        several.start();
        try (SftpDropFolder viaRsa = new SftpDropFolder(settings(several.getPort(),
                knownHosts("known_hosts_rsa", "[127.0.0.1]:" + several.getPort(), rsa.getPublic()), TIMEOUT))) {

            assertThat(viaRsa.requests()).extracting(DropFolder.Entry::name).containsExactly("s.req.p7m");
        } finally {
            several.stop(true);
        }
    }

    /**
     * A TCP relay to the server that can stop carrying the connections it has open without closing
     * them, as a firewall does that has forgotten them; new connections pass.
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final AtomicInteger generation = new AtomicInteger();

        Relay(int target) throws IOException {
            daemon(() -> {
                while (!listener.isClosed()) {
                    Socket client = listener.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.addAll(List.of(client, upstream));
                    int born = generation.get();
                    daemon(() -> pump(client, upstream, born));
                    daemon(() -> pump(upstream, client, born));
                }
                return null;
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        void forgetOpenConnections() {
            generation.incrementAndGet();
        }

        private Void pump(Socket from, Socket to, int born) throws IOException {
            byte[] buffer = new byte[16384];
            try (from; to) {
                for (int n; (n = from.getInputStream().read(buffer)) > 0; ) {
                    if (generation.get() == born) {
                        to.getOutputStream().write(buffer, 0, n);
                    }
                }
            }
            return null;
        }

        private static void daemon(Callable<Void> work) {
            Thread t = new Thread(() -> {
                try {
                    work.call();
                } catch (Exception closed) {
                    // the relay or one side of a connection closed
                }
            }, "test-relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}

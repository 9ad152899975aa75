package jp.tokyo.juki.cs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * R-SEC-MTLS: a peer that cannot be authenticated as a CS receives nothing — the handshake
 * fails, or (TLS 1.3 checks the client's certificate after the client considers the
 * handshake done) the connection is closed before any reply.
 */
class CertificateRefusalIT {
    private static RunningGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(false, Map.of());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static void assertRefused(SSLContext tls) {
        assertThatThrownBy(() -> {
            try (FrameClient c = FrameClient.connect("127.0.0.1", gw.csPort, tls)) {
                c.send(Messages.ping(TestPki.CHIYODA)).get(10, TimeUnit.SECONDS);
            }
        }).isInstanceOfAny(IOException.class, ExecutionException.class);
    }

    @Test
    void aCsWithAValidCertificateIsAnswered() throws Exception {
        try (FrameClient c = FrameClient.connect("127.0.0.1", gw.csPort, TestPki.cs(TestPki.CHIYODA))) {
            assertThat(c.send(Messages.ping(TestPki.CHIYODA)).get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
    }

    @Test
    void aPeerWithoutACertificateIsRefused() {
        assertRefused(assertDoesNotThrow(TestPki::anonymous));
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        assertRefused(assertDoesNotThrow(TestPki::csFromOtherCa));
    }

    @Test
    void anExpiredCertificateIsRefusedAndTheRefusalIsAudited() {
        assertRefused(assertDoesNotThrow(() -> TestPki.cs(TestPki.EXPIRED)));
        await().atMost(Duration.ofSeconds(15)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_type = 'TLS_HANDSHAKE' AND peer = ? AND code = 'TLS' "
                        + "AND detail LIKE '%expired%'", Identities.cs(TestPki.EXPIRED)) >= 1);
    }

    @Test
    void anIdentityThatIsNotACsIsRefused() {
        assertRefused(assertDoesNotThrow(() -> TestPki.client(Identities.NATIONAL)));
    }

    @Test
    void aRevokedCertificateIsRefusedOnceTheCrlIsReloaded() throws Exception {
        SSLContext revoked = TestPki.cs(TestPki.REVOKED);
        try (FrameClient c = FrameClient.connect("127.0.0.1", gw.csPort, revoked)) {
            assertThat(c.send(Messages.ping(TestPki.REVOKED)).get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }

        new DevPki(TestPki.dir(), TestPki.PASSWORD).revoke(Identities.cs(TestPki.REVOKED));

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertRefused(revoked));
    }

    private static SSLContext assertDoesNotThrow(Callable<SSLContext> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new AssertionError("test TLS context", e);
        }
    }
}

package jp.tokyo.juki.audit;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.HealthText.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.testkit.ConsistencyMessages;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.MetricsText;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15, finding 1: nobody who reaches the CS port can switch the audit record off. Each test
 * reproduces the attack against a real gateway (real TLS, Artemis, PostgreSQL) and shows what a
 * user sees: every record written, refused ones set aside with their reason, and — while the
 * audit cannot keep up — readiness DOWN with the reason and updates answered E503 (nothing
 * applied), ACKs again once it has caught up. The figures are printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileAuditIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long MAX_LAG_SECONDS = 3;
    private static final String AUDITOR = "auditor-9";
    private static OperatorDesk desk;
    private static RunningGateway gw;

    /**
     * The in-process gateway of the later steps (its database, broker and health at hand), started after the process,
     * with an auditor who verifies the chain through the operator API.
     */
    private static RunningGateway gw() throws Exception {
        if (gw == null) {
            desk = OperatorDesk.start(true, Map.of("juki.audit.max-lag-seconds", Long.toString(MAX_LAG_SECONDS)));
            desk.issue(AUDITOR, Role.AUDITOR);
            gw = desk.gw;
        }
        return gw;
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    /** The reported attack, on the packaged gateway as a process of its own (-Xmx1g), as production runs it. */
    @Test
    @Order(1)
    void twoHundredHandshakesWithALongCnThenThreeThousandUpdatesAreAllAudited() throws Exception {
        int management = Ports.free();
        try (GatewayChild child = GatewayChild.start(Ports.free(),
                Map.of("camel.management.port", Integer.toString(management)))) {
            String cn = "hostile-" + "x".repeat(92);
            assertThat(cn).hasSize(100);
            SSLContext hostile = selfSigned(cn);
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                refusedHandshake(hostile, child.csPort);
            }
            System.out.printf("[HostileAuditIT] 200 refused handshakes (CN of 100 characters) in %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);

            CsSimulator.Result result = child.load(TestPki.SHINJUKU, 3000, 1000, 4, 15).get(300, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            String updates = "SELECT count(*) FROM audit.record WHERE msg_type = 'HONNIN_UPDATE' AND sender = '"
                    + TestPki.SHINJUKU + "'";
            String handshakes = "SELECT count(*) FROM audit.record WHERE msg_type = 'TLS_HANDSHAKE' AND peer LIKE 'hostile-%'";
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                    child.queryLong(updates) >= 3000 && child.queryLong(handshakes) >= 200);
            long caughtUpMs = (System.nanoTime() - t1) / 1_000_000;

            System.out.printf("[HostileAuditIT] updates sent %d, ACKed %d, NACKed %s; audit records: %d update(s), "
                            + "%d handshake refusal(s), longest peer %d characters; audit caught up %d ms after the "
                            + "last reply; readiness %d%n",
                    result.sent(), result.acked(), result.nackByCode(), child.queryLong(updates),
                    child.queryLong(handshakes), child.queryLong("SELECT coalesce(max(length(peer)), 0) FROM audit.record"),
                    caughtUpMs, get(management, "/observe/health/ready").statusCode());
            assertThat(result.sent()).isEqualTo(3000);
            assertThat(child.queryLong(updates)).isGreaterThanOrEqualTo(3000);
            assertThat(child.queryLong(handshakes)).isEqualTo(200);
            // the CN is kept, cut to the column (it ends in "…"), never refused
            assertThat(child.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'TLS_HANDSHAKE' "
                    + "AND peer = 'hostile-" + "x".repeat(71) + "…'")).isEqualTo(200);
            assertThat(child.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = '"
                    + AuditWriter.SET_ASIDE_TYPE + "'")).isZero();
            assertThat(get(management, "/observe/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void aNulMemberNameAndControlCharactersInACnAreAuditedAndLaterRecordsStillWritten() throws Exception {
        gw();
        // an authenticated CS: a member name that is one NUL
        Request nul = update(TestPki.CHIYODA, "MOVE_IN", person(TestPki.CHIYODA).put("\u0000", 1));
        Reply refused;
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            refused = cs.send(nul).get(30, TimeUnit.SECONDS);
        }
        assertThat(refused.status()).isEqualTo(Status.NACK);
        // a peer whose CN carries NUL, ESC, CR/LF and a bidi override
        refusedHandshake(selfSigned("evil\u0000\u001b[2J\r\n\u202eadmin"), gw.csPort);

        Request later;
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            later = Messages.ping(TestPki.CHIYODA);
            assertThat(cs.send(later).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = ?", later.id()) == 1);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = ? AND status = 'NACK' AND code = ?",
                nul.id(), refused.code().name())).isEqualTo(1);
        String peer = gw.queryString("SELECT peer FROM audit.record WHERE msg_type = 'TLS_HANDSHAKE' AND peer LIKE 'evil%'");
        System.out.printf("[HostileAuditIT] NUL member name refused %s and audited; hostile CN audited as %s%n",
                refused.code(), Json.MAPPER.writeValueAsString(peer));
        assertThat(peer).doesNotContain("\u0000", "\u001b", "\r", "\n", "\u202e").startsWith("evil");
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = ?", AuditWriter.SET_ASIDE_TYPE))
                .isZero();
    }

    @Test
    @Order(3)
    void aRecordTheStoreRefusesIsSetAsideWithItsReasonAndDoesNotHoldBackTheOthers() throws Exception {
        gw();
        // what the tap of a version without bounds queued: the records of the original attack, among good ones
        UUID good1 = UUID.randomUUID();
        UUID tooLong = UUID.randomUUID();
        UUID nul = UUID.randomUUID();
        UUID noLine = UUID.randomUUID();
        UUID good2 = UUID.randomUUID();
        ArrayNode batch = Json.MAPPER.createArrayNode();
        batch.add(event(good1, "cs", "cs-131016", "PING", "poison-good-1", "pong"));
        batch.add(event(tooLong, "cs", "hostile-" + "x".repeat(92), "TLS_HANDSHAKE", null, "certificate not issued by the network CA"));
        batch.add(event(nul, "cs", "cs-131016", "HONNIN_UPDATE", "poison-nul", "body.record.\u0000: unknown item"));
        batch.add(event(noLine, null, "cs-131016", "PING", "poison-no-line", "pong"));
        batch.add(event(good2, "cs", "cs-131016", "PING", "poison-good-2", "pong"));
        long t0 = System.nanoTime();
        try (jakarta.jms.Connection c = gw.brokerConnectionFactory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(Json.MAPPER.writeValueAsBytes(batch));
            s.createProducer(s.createQueue(Broker.AUDIT_QUEUE)).send(m);
        }
        // later traffic is written too
        Request later = Messages.ping(TestPki.CHIYODA);
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            assertThat(cs.send(later).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = ?", later.id()) == 1
                        && gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = ?", AuditWriter.SET_ASIDE_TYPE) == 3);
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE event_id IN (?, ?)", good1, good2)).isEqualTo(2);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE event_id IN (?, ?, ?)", tooLong, nul, noLine)).isZero();
        assertThat(setAsideCode(tooLong)).isEqualTo("22001");
        assertThat(setAsideCode(nul)).isEqualTo("22021");
        assertThat(setAsideCode(noLine)).isEqualTo("23502");
        String detail = gw.queryString("SELECT detail FROM audit.record WHERE msg_type = ? AND msg_id = ?",
                AuditWriter.SET_ASIDE_TYPE, tooLong.toString());
        assertThat(detail).contains("peer 100 > 80").contains("DLQ.juki.audit").doesNotContain("hostile-");
        // kept, with the reason, in the audit's dead-letter queue
        List<String> reasons = new ArrayList<>();
        try (jakarta.jms.Connection c = gw.brokerConnectionFactory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = s.createBrowser(s.createQueue("DLQ." + Broker.AUDIT_QUEUE));
            for (Object o : Collections.list(browser.getEnumeration())) {
                Message m = (Message) o;
                reasons.add(m.getStringProperty(AuditWriter.SET_ASIDE_STATE) + " "
                        + m.getStringProperty(AuditWriter.SET_ASIDE_REASON));
            }
        }
        System.out.printf("[HostileAuditIT] 3 of 5 queued records refused by the store: set aside in %d ms, "
                + "the 2 good ones and later traffic written; DLQ.juki.audit: %s%n", ms, reasons);
        assertThat(reasons).hasSize(3).anyMatch(r -> r.startsWith("22001")).anyMatch(r -> r.startsWith("22021"))
                .anyMatch(r -> r.startsWith("23502"));
        // the set-aside records keep the chain whole
        OperatorDesk.Run verify = desk.cli(AUDITOR, "audit", "verify");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    @Order(4)
    void whileTheAuditIsStoppedReadinessIsDownAndUpdatesAreAnsweredE503ThenAckedAgain() throws Exception {
        gw();
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        long stoppedAt;
        long recovered;
        Request acked;
        long setAsideBefore = gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = ?", AuditWriter.SET_ASIDE_TYPE);
        try (FrameClient cs = gw.connect(TestPki.CHUO)) {
            try (Connection lock = gw.gateway.database().dataSource().getConnection();
                 Statement s = lock.createStatement()) {
                // the audit writer waits for the chain's head: nothing more is written
                lock.setAutoCommit(false);
                s.execute("SELECT * FROM audit.chain_head FOR UPDATE");
                stoppedAt = System.nanoTime();
                acked = update(TestPki.CHUO, "MOVE_IN", person(TestPki.CHUO));
                assertThat(cs.send(acked).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        get("/observe/health/ready").statusCode() == 503);
                long downMs = (System.nanoTime() - stoppedAt) / 1_000_000;
                JsonNode audit = check(get("/observe/health/ready?exposureLevel=full").body(), "juki-audit");
                assertThat(audit.path("status").asText()).isEqualTo("DOWN");
                assertThat(audit.path("message").asText()).contains("behind (bound " + MAX_LAG_SECONDS + " s");

                Request refused = update(TestPki.CHUO, "MOVE_IN", person(TestPki.CHUO));
                Reply r = cs.send(refused).get(30, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(Status.NACK);
                assertThat(r.code()).isEqualTo(ReplyCode.E503);
                assertThat(r.detail()).contains("nothing was applied");
                assertThat(gw.queryLong("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?",
                        refused.body().path("record").path("juminhyoCode").asText())).isZero();
                System.out.printf("[HostileAuditIT] audit stopped: readiness DOWN after %d ms (%s); update answered %s %s%n",
                        downMs, audit.path("message").asText(), r.code(), r.detail());
                // consistency messages stage records: not accepted either while the audit is behind; PING is
                String session = "behind-" + UUID.randomUUID().toString().substring(0, 8);
                Reply begin = cs.send(ConsistencyMessages.begin(TestPki.CHUO, "HONNIN", session, 1)).get(30, TimeUnit.SECONDS);
                assertThat(begin.status()).isEqualTo(Status.NACK);
                assertThat(begin.code()).isEqualTo(ReplyCode.E503);
                assertThat(begin.detail()).isEqualTo("audit record behind; nothing was applied");
                assertThat(cs.send(Messages.ping(TestPki.CHUO)).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
                System.out.printf("[HostileAuditIT] audit stopped: CONSISTENCY_BEGIN answered %s %s; PING answered ACK%n",
                        begin.code(), begin.detail());
                // a transient failure of the store (the writer's connection cut while it waits) is retried, not set aside
                try (Connection admin = gw.gateway.database().dataSource().getConnection();
                     Statement a = admin.createStatement()) {
                    a.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            + "AND query LIKE '%audit.chain_head FOR UPDATE%'");
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> check(
                        get("/observe/health/ready?exposureLevel=full").body(), "juki-audit").path("message").asText()
                        .contains("; writer: SQLSTATE 57P01"));
                System.out.printf("[HostileAuditIT] writer's connection cut while waiting: %s%n", check(
                        get("/observe/health/ready?exposureLevel=full").body(), "juki-audit").path("message").asText());
                lock.rollback();
            }
            long releasedAt = System.nanoTime();
            Reply again;
            do {
                Thread.sleep(100);
                again = cs.send(update(TestPki.CHUO, "MOVE_IN", person(TestPki.CHUO))).get(30, TimeUnit.SECONDS);
            } while (again.code() == ReplyCode.E503 && System.nanoTime() - releasedAt < 60_000_000_000L);
            recovered = (System.nanoTime() - releasedAt) / 1_000_000;
            assertThat(again.status()).isEqualTo(Status.ACK);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
        System.out.printf("[HostileAuditIT] audit released: ACKs again %d ms later, readiness UP; %d audit records in all%n",
                recovered, gw.queryLong("SELECT count(*) FROM audit.record"));
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE code = 'E503' AND detail LIKE 'audit record behind%'"))
                .isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = ? AND code = 'I000'", acked.id()) == 1);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = ?", AuditWriter.SET_ASIDE_TYPE))
                .isEqualTo(setAsideBefore);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'CONSISTENCY_BEGIN' AND code = 'E503'"))
                .isGreaterThanOrEqualTo(1);
    }

    /**
     * A brief failure of the audit store, then no traffic at all: the writer thread whose batch was
     * rolled back while another wrote it must not keep that batch's time as "unwritten". Before the
     * fix the lag it reported grew by itself, readiness went DOWN one bound later and every update was
     * answered E503, for good.
     */
    @Test
    @Order(5)
    void afterABriefStoreFailureAndNoFurtherTrafficTheLagFallsBackToZero() throws Exception {
        gw();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
        int terminated = 0;
        try (FrameClient cs = gw.connect(TestPki.CHUO);
             Connection lock = gw.gateway.database().dataSource().getConnection();
             Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("SELECT * FROM audit.chain_head FOR UPDATE");
            // one audit record (the PING's) in a writer's hand, waiting for the chain's head
            assertThat(cs.send(Messages.ping(TestPki.CHUO)).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            // the store fails the writer holding it, again and again for 6 s: the batch is rolled back and
            // taken again, by one writer thread or the other, so both have had it and rolled it back
            long until = System.nanoTime() + 6_000_000_000L;
            while (System.nanoTime() < until) {
                Thread.sleep(300);
                try (Connection admin = gw.gateway.database().dataSource().getConnection();
                     Statement a = admin.createStatement();
                     ResultSet rs = a.executeQuery("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) "
                             + "FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                             + "AND query LIKE '%audit.chain_head FOR UPDATE%') t")) {
                    rs.next();
                    terminated += rs.getInt(1);
                }
            }
            lock.rollback();
        }
        long releasedAt = System.nanoTime();
        // no further traffic: everything is written within a moment, and the lag must stay down
        Thread.sleep(TimeUnit.SECONDS.toMillis(2 * MAX_LAG_SECONDS + 2));
        double lag = lagSeconds();
        int ready = get("/observe/health/ready").statusCode();
        System.out.printf("[HostileAuditIT] brief store failure (%d writer connection(s) cut in 6 s), then no traffic: "
                        + "%.1f s after the store came back the reported lag is %.3f s, readiness %d%n", terminated,
                (System.nanoTime() - releasedAt) / 1e9, lag, ready);
        assertThat(terminated).isPositive();
        assertThat(lag).as("juki_audit_lag_seconds with nothing left to write").isLessThan(1.0);
        assertThat(ready).isEqualTo(200);
        try (FrameClient cs = gw.connect(TestPki.CHUO)) {
            assertThat(cs.send(update(TestPki.CHUO, "MOVE_IN", person(TestPki.CHUO))).get(30, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.ACK);
        }
    }

    private static double lagSeconds() throws Exception {
        HttpResponse<String> r = get("/observe/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return MetricsText.metric(r.body(), "juki_audit_lag_seconds");
    }

    private static String setAsideCode(UUID id) throws Exception {
        return gw.queryString("SELECT code FROM audit.record WHERE msg_type = ? AND msg_id = ?", AuditWriter.SET_ASIDE_TYPE,
                id.toString());
    }

    private static ObjectNode event(UUID id, String line, String peer, String type, String messageId, String detail) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("eventId", id.toString());
        e.put("at", Instant.now().toString());
        e.put("line", line);
        e.put("direction", "in");
        e.put("peer", peer);
        e.put("type", type);
        e.put("messageId", messageId);
        e.put("sender", "131016");
        e.put("status", "REFUSED");
        e.put("code", "TLS");
        e.put("detail", detail);
        e.putArray("persons");
        return e;
    }

    /** A TLS connection the gateway refuses: the handshake fails, or the connection is closed before any byte. */
    private static void refusedHandshake(SSLContext tls, int port) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", port);
             SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, "127.0.0.1", port, true)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            // TLS 1.3: the server checks the client's certificate after the client's Finished
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (SSLException | SocketException expected) {
            // refused
        }
    }

    /** A self-signed client certificate with {@code cn}, presented whatever the server asks for. */
    private static SSLContext selfSigned(String cn) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), name, kp.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        X509ExtendedKeyManager km = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[]{"k"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "k";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "k";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[]{cert};
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return kp.getPrivate();
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(new KeyManager[]{km}, new TrustManager[]{
                TestPki.keys().trustManager(Identities.exactly(Identities.GATEWAY), "test")}, null);
        return ctx;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return get(gw.managementPort(), path);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

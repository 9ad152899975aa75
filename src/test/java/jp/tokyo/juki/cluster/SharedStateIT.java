package jp.tokyo.juki.cluster;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * State several nodes share (issue 14): three nodes on one database and broker. A node with another audit
 * key is refused (audited NODE_SECRET) and one missing it is refused; nodes with the cluster's keys start;
 * {@code status --all} lists them; a notice the national server keeps refusing is dead-lettered after
 * max-redeliveries + 1 attempts in total although the node delivering it stopped half-way.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedStateIT {
    private static final int MAX_REDELIVERIES = 3;
    private static RunningGateway first;
    private static RunningGateway second;
    private static RunningGateway third;
    private static NationalSimulator toSecond;
    private static NationalSimulator toThird;
    private static Path otherKeys;
    private static Path noKey;

    @BeforeAll
    static void start() throws Exception {
        // node-1 takes CS updates but delivers no honnin notice: nodes 2 and 3 do, each to its own simulator,
        // so the test knows which node holds the notice
        // (and answers only once the audit records are on the broker: juki.audit.reply-after-broker)
        first = RunningGateway.start(false, Map.of("juki.cluster.enabled", "true", "juki.node.id", "node-1",
                "camel.main.routes-exclude-pattern", "file:routes/national-honnin.camel.yaml",
                "juki.audit.reply-after-broker", "true"));
        toSecond = NationalSimulator.start(TestPki.national(), Ports.free(), null);
        toThird = NationalSimulator.start(TestPki.national(), Ports.free(), null);
        toSecond.setUnavailable(true);
        toThird.setUnavailable(true);
        Map<String, String> retries = Map.of("juki.national.max-redeliveries", Integer.toString(MAX_REDELIVERIES),
                "juki.national.redelivery-delay-ms", "1500", "juki.national.max-redelivery-delay-ms", "6000");
        second = first.nextNode(with(retries, "juki.node.id", "node-2", "juki.national.port", Integer.toString(toSecond.port())));
        third = first.nextNode(with(retries, "juki.node.id", "node-3", "juki.national.port", Integer.toString(toThird.port())));
    }

    private static Map<String, String> with(Map<String, String> base, String... more) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(third, second, first, toSecond, toThird);
        for (Path p : new Path[]{otherKeys, noKey}) {
            if (p != null) {
                GatewayChild.deleteTree(p);
            }
        }
    }

    @Test
    @Order(1)
    void everyNodeWithTheClusterSecretsStartsAndTheirFingerprintsAreRecordedOnce() throws Exception {
        assertThat(first.queryLong("SELECT count(*) FROM cluster.secret")).isEqualTo(3);
        assertThat(first.queryString("SELECT string_agg(name || '@' || first_node, ',' ORDER BY name) FROM cluster.secret"))
                .isEqualTo("audit-key@node-1,ca@node-1,sftp-host-key@node-1");
        // no secret itself is stored: the audit key's fingerprint is not the key
        byte[] key = Files.readAllBytes(TestPki.dir().resolve("audit-hmac.key"));
        assertThat(first.queryLong("SELECT count(*) FROM cluster.secret WHERE position(? in fingerprint) > 0",
                (Object) key)).isZero();
    }

    @Test
    @Order(2)
    void aNodeWithAnotherAuditKeyIsRefusedAndAudited() throws Exception {
        otherKeys = copyOfKeystores("juki-other-key");
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Files.write(otherKeys.resolve("audit-hmac.key"), other);
        assertThatThrownBy(() -> first.nextNode(Map.of("juki.node.id", "node-bad", "juki.keystores.dir", otherKeys.toString())))
                .hasMessageContaining("node node-bad refused to start")
                .hasMessageContaining("shared secret audit-key (audit-hmac.key) differs")
                .hasMessageContaining("first recorded by node node-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> first.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_type = 'NODE_SECRET' AND peer = 'node-bad' AND status = 'REFUSED'") == 1);
        assertThat(first.queryString("SELECT detail FROM audit.record WHERE msg_type = 'NODE_SECRET'"))
                .contains("audit-key").contains("the cluster recorded");
        assertThat(first.queryLong("SELECT count(*) FROM cluster.node WHERE node_id = 'node-bad'")).isZero();
    }

    @Test
    @Order(3)
    void aNodeOfSeveralWithoutTheAuditKeyIsRefusedAndMakesNone() throws Exception {
        noKey = copyOfKeystores("juki-no-key");
        Files.delete(noKey.resolve("audit-hmac.key"));
        assertThatThrownBy(() -> first.nextNode(Map.of("juki.node.id", "node-nokey", "juki.keystores.dir", noKey.toString())))
                .hasMessageContaining("audit key").hasMessageContaining("is missing")
                .hasMessageContaining("never makes one");
        assertThat(noKey.resolve("audit-hmac.key")).doesNotExist();
    }

    @Test
    @Order(4)
    void aNodeWhoseCrlIsOlderThanOneAnotherNodePutInForceIsRefused() throws Exception {
        assertThat(first.queryLong("SELECT count(*) FROM cluster.crl_seen")).isPositive();
        String raise = "UPDATE cluster.crl_seen SET crl_number = crl_number + ?, this_update = this_update + make_interval(days => ?)";
        first.queryLong("WITH u AS (" + raise + " RETURNING 1) SELECT count(*) FROM u", 1000, 1);
        try {
            assertThatThrownBy(() -> first.nextNode(Map.of("juki.node.id", "node-oldcrl")))
                    .hasMessageContaining("older than number").hasMessageContaining("cluster.crl_seen")
                    .hasMessageContaining("does not start");
        } finally {
            first.queryLong("WITH u AS (" + raise + " RETURNING 1) SELECT count(*) FROM u", -1000, -1);
        }
        assertThat(first.queryLong("SELECT count(*) FROM cluster.node WHERE node_id = 'node-oldcrl'")).isZero();
    }

    @Test
    @Order(5)
    void statusAllListsEveryNodeAndWhichAreAlive() throws Exception {
        String out = statusAll();
        assertThat(out).containsPattern("node-1 +alive +READY").containsPattern("node-2 +alive +READY")
                .containsPattern("node-3 +alive +READY").contains("3 node(s), 3 alive, 3 ready");
    }

    @Test
    @Order(6)
    void aRefusedNoticeIsDeadLetteredAfterTheAttemptsInTotalAcrossTwoNodes() throws Exception {
        ObjectNode p = person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "再送 花子", "サイソウ ハナコ");
        String id;
        try (FrameClient cs = first.connect(SHINJUKU)) {
            Request request = update(SHINJUKU, "MOVE_IN", p);
            id = request.id();
            assertThat(cs.send(request).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
        // node-1 answered only once the audit records were on the broker: they reach the audit table
        await().atMost(Duration.ofSeconds(30)).until(() -> first.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_id = ? AND line = 'cs'", id) >= 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> toSecond.unserved() + toThird.unserved() >= 2);
        boolean secondHeld = toSecond.unserved() > 0;
        RunningGateway holder = secondHeld ? second : third;
        NationalSimulator holderSim = secondHeld ? toSecond : toThird;
        NationalSimulator otherSim = secondHeld ? toThird : toSecond;
        holder.close();
        if (secondHeld) {
            second = null;
        } else {
            third = null;
        }
        long byHolder = holderSim.unserved();
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters().size() == 1);
        Thread.sleep(2000); // an attempt too many would come within the back-off
        System.out.printf("SharedStateIT: attempts by the node that stopped %d, by the node that took over %d, "
                + "dead-lettered with jukiDeadLetterAttempts %d%n", byHolder, otherSim.unserved(),
                deadLetters().get(0).getIntProperty("jukiDeadLetterAttempts"));
        assertThat(byHolder).isGreaterThanOrEqualTo(2);
        assertThat(otherSim.unserved()).isPositive();
        assertThat(holderSim.unserved() + otherSim.unserved()).isEqualTo(MAX_REDELIVERIES + 1);
        assertThat(deadLetters().get(0).getIntProperty("jukiDeadLetterAttempts")).isEqualTo(MAX_REDELIVERIES + 1);
        assertThat(statusAll()).containsPattern((secondHeld ? "node-2" : "node-3") + " +down");
    }

    private static List<Message> deadLetters() throws Exception {
        try (Connection c = first.brokerConnectionFactory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return Collections.list(s.createBrowser(s.createQueue("DLQ.juki.national.honnin")).getEnumeration())
                    .stream().map(Message.class::cast).toList();
        }
    }

    private static String statusAll() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new GatewayCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("status", "--all", "--set", "juki.db.url=" + first.gateway.database().jdbcUrl(),
                        "--set", "juki.db.user=" + DatabaseLogins.OWNER, "--set", "juki.db.password=" + first.ownerPassword(),
                        "--data", Files.createTempDirectory("juki-no-data").toString());
        System.out.println("SharedStateIT: status --all (exit " + code + ")\n" + out + err);
        return out.toString();
    }

    private static Path copyOfKeystores(String prefix) throws Exception {
        Path copy = Files.createTempDirectory(prefix);
        try (Stream<Path> files = Files.list(TestPki.dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }
}

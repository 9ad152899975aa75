package jp.tokyo.juki.deadletter;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.platform.BrokerAccess;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import jp.tokyo.juki.testkit.OperatorDesk.Run;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * R-REL-DLQ: notices the national server could not take end as dead letters, which an operator
 * lists and shows without personal data, reveals only as an administrator with a reason,
 * replays (in order) or discards with a reason — every action audited with the operator and
 * terminal — with {@code ./gateway dlq} as a client of the operator API: logged in with the
 * operator's certificate and password, the gateway's dead-letter desk acts on its own broker.
 */
class DeadLetterOperationsIT {
    private static final Pattern LISTED_ID = Pattern.compile("(?m)^([0-9a-f-]{36})  DLQ\\.juki\\.national\\.honnin  HONNIN_NOTICE");
    private static final String MAINTAINER = "maint1";
    private static final String ADMIN = "admin7";
    private static final String OTHER_ADMIN = "admin8";

    /** A gateway with its operator port, a maintainer and two administrators. */
    private static OperatorDesk desk(Map<String, String> settings) throws Exception {
        OperatorDesk desk = OperatorDesk.start(false, settings);
        try {
            return desk.issue(MAINTAINER, Role.MAINTAINER).issue(ADMIN, Role.ADMINISTRATOR).issue(OTHER_ADMIN, Role.ADMINISTRATOR);
        } catch (Exception e) {
            desk.close();
            throw e;
        }
    }

    @Test
    void deadLettersAreListedMaskedRevealedToAdministratorsReplayedInOrderAndDiscardedAllAudited() throws Exception {
        try (OperatorDesk desk = desk(Map.of("juki.national.max-redeliveries", "1", "juki.national.redelivery-delay-ms", "50"));
             FrameClient cs = desk.gw.connect(SHINJUKU)) {
            RunningGateway gw = desk.gw;
            ObjectNode a = person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "秘匿 花子", "ヒトク ハナコ");
            ObjectNode b = person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "内密 次郎", "ナイミツ ジロウ");
            ObjectNode c = person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "極秘 三郎", "ゴクヒ サブロウ");
            ObjectNode aMoved = a.deepCopy();
            aMoved.with("address").put("text", "東京都新宿区西新宿２丁目");
            List<Request> sent = List.of(update(SHINJUKU, "MOVE_IN", a), update(SHINJUKU, "MOVE_IN", b),
                    update(SHINJUKU, "MOVE_WITHIN", aMoved), update(SHINJUKU, "MOVE_IN", c));
            for (Request r : sent) {
                assertThat(cs.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
            // no national server: each notice is given up after 2 attempts
            await().atMost(Duration.ofSeconds(60)).until(() -> gw.queryLong(
                    "SELECT count(*) FROM audit.record WHERE msg_type = 'DEAD_LETTER'") == 4);
            List<String> personal = new ArrayList<>();
            for (ObjectNode p : List.of(a, b, c)) {
                personal.addAll(List.of(p.get("juminhyoCode").asText(), p.get("myNumber").asText(),
                        p.at("/name/kanji").asText(), p.at("/name/kana").asText()));
            }

            Run list = desk.cli(MAINTAINER, "dlq", "list");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("4 dead letter(s)");
            for (Request r : sent) {
                assertThat(list.out()).containsPattern("HONNIN_NOTICE  origin " + SHINJUKU + "/" + r.id()
                        + "  attempts 2  E503  age \\d+s");
            }
            assertThat(list.out()).doesNotContain(personal);
            List<String> ids = ids(list.out());
            assertThat(ids).hasSize(4);

            // the dead letters are in commit order; the last is C's
            Run show = desk.cli(MAINTAINER, "dlq", "show", ids.get(3));
            assertThat(show.exit()).isZero();
            assertThat(show.out()).contains("origin       " + SHINJUKU + "/" + sent.get(3).id(), "E503 no connection to",
                    "\"kanji\" : \"***\"", "\"juminhyoCode\" : \"***\"", "\"municipalityCode\" : \"" + SHINJUKU + "\"",
                    "\"reason\" : \"MOVE_IN\"").doesNotContain(personal);

            // a maintainer may list and show, never reveal: the gate refuses the role (403 P403), audited
            Run notAdmin = desk.cli(MAINTAINER, "dlq", "show", ids.get(3), "--reveal", "--reason", "CS asked");
            assertThat(notAdmin.exit()).isEqualTo(1);
            assertThat(notAdmin.err()).contains("REFUSED P403: none of your roles may DLQ_REVEAL");
            assertThat(notAdmin.out() + notAdmin.err()).doesNotContain(personal);
            Reply byApi = desk.login(MAINTAINER).post("/api/dlq/reveal", OperatorDesk.body().put("id", ids.get(3))
                    .put("reason", "CS asked"));
            assertThat(byApi.status()).isEqualTo(403);
            assertThat(byApi.code()).isEqualTo("P403");
            assertThat(byApi.body()).doesNotContain(personal);

            Run noReason = desk.cli(ADMIN, "dlq", "show", ids.get(3), "--reveal");
            assertThat(noReason.exit()).isEqualTo(1);
            assertThat(noReason.err()).contains("REFUSED D400: --reveal needs --reason");
            assertThat(noReason.out()).doesNotContain(personal);

            Run reveal = desk.cli(ADMIN, "dlq", "show", ids.get(3), "--reveal", "--reason", "municipality asks to correct the name");
            assertThat(reveal.exit()).isZero();
            assertThat(reveal.out()).contains("極秘 三郎", c.get("juminhyoCode").asText(), c.get("myNumber").asText());

            Run maintainerDiscards = desk.cli(MAINTAINER, "dlq", "discard", ids.get(3), "--reason", "not mine to decide");
            assertThat(maintainerDiscards.exit()).isEqualTo(1);
            assertThat(maintainerDiscards.err()).contains("REFUSED P403: none of your roles may DLQ_DISCARD");
            Run discardWithoutReason = desk.cli(ADMIN, "dlq", "discard", ids.get(3));
            assertThat(discardWithoutReason.exit()).isEqualTo(1);
            assertThat(discardWithoutReason.err()).contains("REFUSED D400: discard needs --reason");
            assertThat(desk.cli(MAINTAINER, "dlq", "list").out()).contains("4 dead letter(s)");

            Run discard = desk.cli(ADMIN, "dlq", "discard", ids.get(3), "--reason", "sent again by the municipality");
            assertThat(discard.exit()).isZero();
            assertThat(discard.out()).contains(ids.get(3) + " discarded");

            gw.startNational();
            Run replay = desk.cli(OTHER_ADMIN, "dlq", "replay", "--all", "--queue", "DLQ.juki.national.honnin");
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.out()).contains("3 of 3 dead letter(s) replayed");

            await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.noticeCount() == 3);
            assertThat(gw.national.notices()).extracting(n -> n.at("/body/origin/id").asText())
                    .containsExactly(sent.get(0).id(), sent.get(1).id(), sent.get(2).id());
            Run after = desk.cli(MAINTAINER, "dlq", "list");
            assertThat(after.out()).contains("0 dead letter(s)");
            assertThat(desk.cli(MAINTAINER, "dlq", "show", ids.get(3)).err()).contains("REFUSED D404: no dead letter");

            // every action of the desk, refusals included, with its operator; a person's hash where one was concerned
            assertThat(auditRows(gw)).containsExactly(
                    "DLQ_DISCARD ALLOWED D200 operator:" + ADMIN + " 1 discarded: sent again by the municipality",
                    "DLQ_DISCARD REFUSED D400 operator:" + ADMIN + " 0 discard needs --reason",
                    "DLQ_LIST ALLOWED D200 operator:" + MAINTAINER + " 0 list",
                    "DLQ_LIST ALLOWED D200 operator:" + MAINTAINER + " 0 list",
                    "DLQ_LIST ALLOWED D200 operator:" + MAINTAINER + " 0 list",
                    "DLQ_REPLAY ALLOWED D200 operator:" + OTHER_ADMIN + " 1 to juki.national.honnin",
                    "DLQ_REPLAY ALLOWED D200 operator:" + OTHER_ADMIN + " 1 to juki.national.honnin",
                    "DLQ_REPLAY ALLOWED D200 operator:" + OTHER_ADMIN + " 1 to juki.national.honnin",
                    "DLQ_REVEAL ALLOWED D210 operator:" + ADMIN + " 1 revealed: municipality asks to correct the name",
                    "DLQ_REVEAL REFUSED D400 operator:" + ADMIN + " 0 --reveal needs --reason",
                    "DLQ_SHOW ALLOWED D200 operator:" + MAINTAINER + " 1 masked",
                    "DLQ_SHOW REFUSED D404 operator:" + MAINTAINER + " 0 no dead letter " + ids.get(3) + " (./gateway dlq list)");
            // every refusal is also a record of the operator port, one each: the role refusals are the gate's,
            // before the desk (by the maintainer's certificate and session); the desk's own (D400, D404) are
            // recorded there once the answer is out
            String byMaintainer = "op-" + MAINTAINER + " " + MAINTAINER + " " + OperatorDesk.TERMINAL;
            String byAdmin = "op-" + ADMIN + " " + ADMIN + " " + OperatorDesk.TERMINAL;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gw.queryString(
                    "SELECT string_agg(peer || ' ' || operator_id || ' ' || terminal_id || ' ' || code || ' ' || detail, ',' "
                            + "ORDER BY detail, code, peer) FROM audit.record WHERE msg_type = 'API_REFUSED'")).isEqualTo(
                    byAdmin + " D400 DLQ_DISCARD," + byMaintainer + " P403 DLQ_DISCARD," + byAdmin + " D400 DLQ_REVEAL,"
                            + byMaintainer + " P403 DLQ_REVEAL," + byMaintainer + " P403 DLQ_REVEAL," + byMaintainer
                            + " D404 DLQ_SHOW"));
            assertThat(String.join("\n", auditDetails(gw))).doesNotContain(personal);
            // the operator and the terminal in their own columns too, and the reason of a reveal and of a discard
            assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type LIKE 'DLQ\\_%' AND (peer IS DISTINCT FROM "
                    + "'operator:' || operator_id OR terminal_id IS DISTINCT FROM ?)", OperatorDesk.TERMINAL)).isZero();
            assertThat(gw.queryString("SELECT string_agg(msg_type || ' ' || operator_id || ' ' || reason, ',' ORDER BY msg_type) "
                    + "FROM audit.record WHERE msg_type LIKE 'DLQ\\_%' AND reason IS NOT NULL")).isEqualTo(
                    "DLQ_DISCARD " + ADMIN + " sent again by the municipality,DLQ_REVEAL " + ADMIN
                            + " municipality asks to correct the name");
            // and the gate's record of each request before it, with the reason the operator gave
            assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REQUEST' AND detail = 'DLQ_REVEAL' "
                    + "AND operator_id = ? AND reason = 'municipality asks to correct the name'", ADMIN)).isEqualTo(1);
        }
    }

    @Test
    void aNoticeSupersededByALaterDeliveredOneIsNotReplayedUnlessTheOperatorInsists() throws Exception {
        try (OperatorDesk desk = desk(Map.of("juki.national.max-redeliveries", "1", "juki.national.redelivery-delay-ms", "50"));
             FrameClient cs = desk.gw.connect(SHINJUKU)) {
            RunningGateway gw = desk.gw;
            ObjectNode a = person(SHINJUKU);
            Request first = update(SHINJUKU, "MOVE_IN", a);
            assertThat(cs.send(first).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            await().atMost(Duration.ofSeconds(60)).until(() -> gw.queryLong(
                    "SELECT count(*) FROM audit.record WHERE msg_type = 'DEAD_LETTER'") == 1);
            gw.startNational();
            ObjectNode moved = a.deepCopy();
            moved.with("address").put("text", "東京都新宿区西新宿３丁目");
            Request later = update(SHINJUKU, "MOVE_WITHIN", moved);
            assertThat(cs.send(later).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            await().atMost(Duration.ofSeconds(30)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record "
                    + "WHERE line = 'national' AND msg_type = 'HONNIN_NOTICE' AND status = 'ACK'") == 1);
            String id = ids(desk.cli(MAINTAINER, "dlq", "list").out()).get(0);

            Run refused = desk.cli(ADMIN, "dlq", "replay", id);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).containsPattern("REFUSED D409: " + id
                    + ": a later notice of the same person \\(HN-\\d+\\) was delivered \\(discard it, or --even-if-superseded\\)");
            assertThat(gw.national.noticeCount()).isEqualTo(1);

            Run insisted = desk.cli(ADMIN, "dlq", "replay", id, "--even-if-superseded");
            assertThat(insisted.exit()).isZero();
            assertThat(insisted.out()).contains(id + " replayed to juki.national.honnin");
            await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.noticeCount() == 2);
            assertThat(gw.national.notices()).extracting(n -> n.at("/body/origin/id").asText())
                    .containsExactly(later.id(), first.id());
            assertThat(auditRows(gw)).contains("DLQ_REPLAY REFUSED D409 operator:" + ADMIN + " 1 " + refused.err().strip()
                    .substring("REFUSED D409: ".length()), "DLQ_REPLAY ALLOWED D200 operator:" + ADMIN + " 1 to juki.national.honnin");
        }
    }

    @Test
    void theEmbeddedBrokerAdmitsOnlyItsOwnLoginAndKeepsDeadLettersWhatever() throws Exception {
        int port;
        try (OperatorDesk desk = desk(Map.of())) {
            RunningGateway gw = desk.gw;
            port = gw.operatorPort();
            GatewayConfig cfg = cliConfig(gw);
            Path credentials = gw.data.resolve("broker/credentials.properties");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
            BrokerAccess access = BrokerAccess.of(cfg);
            assertThat(access.url()).startsWith("tcp://127.0.0.1:");

            try (ActiveMQConnectionFactory anonymous = new ActiveMQConnectionFactory(access.url());
                 ActiveMQConnectionFactory guessing = new ActiveMQConnectionFactory(access.url(), access.user(), "guess")) {
                assertThatThrownBy(() -> anonymous.createConnection().close()).isInstanceOf(JMSSecurityException.class);
                assertThatThrownBy(() -> guessing.createConnection().close()).isInstanceOf(JMSSecurityException.class);
            }

            // a dead letter sent with a time-to-live is kept anyway (DLQ.# has no-expiry)
            try (ActiveMQConnectionFactory cf = access.connectionFactory(); jakarta.jms.Connection c = cf.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("DLQ.juki.probe"));
                p.setTimeToLive(300);
                p.send(s.createTextMessage("{\"juminhyoCode\":\"12345678901\"}"));
                Thread.sleep(1500);
                try (QueueBrowser b = s.createBrowser(s.createQueue("DLQ.juki.probe"))) {
                    List<?> kept = Collections.list(b.getEnumeration());
                    assertThat(kept).hasSize(1);
                    assertThat(((Message) kept.get(0)).getJMSExpiration()).isZero();
                }
            }
            // every DLQ.* queue is listed, not only the gateway's own
            Run list = desk.cli(MAINTAINER, "dlq", "list");
            assertThat(list.out()).contains("1 dead letter(s)").contains("DLQ.juki.probe  juki.probe  origin -/-")
                    .doesNotContain("12345678901");
            Run one = desk.cli(MAINTAINER, "dlq", "list", "--queue", "DLQ.juki.probe");
            assertThat(one.out()).contains("1 dead letter(s) in DLQ.juki.probe");
            Run badQueue = desk.cli(MAINTAINER, "dlq", "list", "--queue", "juki.national.honnin");
            assertThat(badQueue.exit()).isEqualTo(1);
            assertThat(badQueue.err()).contains("REFUSED D400: --queue: a dead-letter queue, DLQ.<queue>");
        }
        // the CLI opens neither the broker nor the database: without the gateway's API nothing is done
        Path password = Files.writeString(Files.createTempFile("juki-pw", ".txt", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), OperatorDesk.PASSWORD);
        Run noGateway = OperatorDesk.run("dlq", "list", "--cert", OperatorDesk.p12(MAINTAINER).toString(), "--password-file",
                password.toString(), "--api", "https://localhost:" + port, "--set", "juki.keystores.dir=" + TestPki.dir());
        Files.delete(password);
        assertThat(noGateway.exit()).isEqualTo(2);
        assertThat(noGateway.err()).contains("the operator API could not be reached");
    }

    private static List<String> ids(String listing) {
        List<String> ids = new ArrayList<>();
        Matcher m = LISTED_ID.matcher(listing);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static GatewayConfig cliConfig(RunningGateway gw) throws IOException {
        return GatewayConfig.load(Path.of("config/application.properties"), Map.of("juki.data.dir", gw.data.toString()));
    }

    private static List<String> auditRows(RunningGateway gw) throws Exception {
        List<String> rows = new ArrayList<>();
        try (java.sql.Connection c = gw.gateway.database().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT msg_type, status, code, peer, "
                     + "cardinality(persons), detail FROM audit.record WHERE msg_type LIKE 'DLQ\\_%' ORDER BY 1, 2, 3, 4, 6")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getInt(5) + " " + rs.getString(6));
            }
        }
        return rows;
    }

    private static List<String> auditDetails(RunningGateway gw) throws Exception {
        List<String> rows = new ArrayList<>();
        try (java.sql.Connection c = gw.gateway.database().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT concat_ws(' ', peer, msg_id, sender, detail, "
                     + "array_to_string(persons, ' '), operator_id, terminal_id, reason) FROM audit.record")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}

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
import java.io.PrintWriter;
import java.io.StringWriter;
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
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.platform.BrokerAccess;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * R-REL-DLQ: notices the national server could not take end as dead letters, which an operator
 * lists and shows without personal data, reveals only as an administrator with a reason,
 * replays (in order) or discards with a reason — every action audited with the operator — with
 * {@code ./gateway dlq} against a running gateway's broker reached over its loopback acceptor.
 */
class DeadLetterOperationsIT {
    private static final Pattern LISTED_ID = Pattern.compile("(?m)^([0-9a-f-]{36})  DLQ\\.juki\\.national\\.honnin  HONNIN_NOTICE");
    private static final String ADMIN = "admin-7";

    /** What the command printed and returned. */
    record Run(int exit, String out, String err) {
    }

    @Test
    void deadLettersAreListedMaskedRevealedToAdministratorsReplayedInOrderAndDiscardedAllAudited() throws Exception {
        try (RunningGateway gw = RunningGateway.start(false, Map.of("juki.national.max-redeliveries", "1",
                "juki.national.redelivery-delay-ms", "50", "juki.operators.administrators", "someone-else, " + ADMIN));
             FrameClient cs = gw.connect(SHINJUKU)) {
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

            Run list = dlq(gw, "list", "--operator", "op-1");
            assertThat(list.exit()).isZero();
            assertThat(list.out()).contains("4 dead letter(s)");
            for (Request r : sent) {
                assertThat(list.out()).containsPattern("HONNIN_NOTICE  origin " + SHINJUKU + "/" + r.id()
                        + "  attempts 2  E503  age \\d+s");
            }
            assertThat(list.out()).doesNotContain(personal);
            List<String> ids = ids(list.out());
            assertThat(ids).hasSize(4);

            // the dead letters are in commit order; the last is C's
            Run show = dlq(gw, "show", ids.get(3), "--operator", "op-1");
            assertThat(show.exit()).isZero();
            assertThat(show.out()).contains("origin       " + SHINJUKU + "/" + sent.get(3).id(), "E503 no connection to",
                    "\"kanji\" : \"***\"", "\"juminhyoCode\" : \"***\"", "\"municipalityCode\" : \"" + SHINJUKU + "\"",
                    "\"reason\" : \"MOVE_IN\"").doesNotContain(personal);

            Run notAdmin = dlq(gw, "show", ids.get(3), "--reveal", "--reason", "CS asked", "--operator", "op-1");
            assertThat(notAdmin.exit()).isEqualTo(1);
            assertThat(notAdmin.err()).contains("REFUSED D403: op-1 is not an administrator");
            assertThat(notAdmin.out() + notAdmin.err()).doesNotContain(personal);

            Run noReason = dlq(gw, "show", ids.get(3), "--reveal", "--operator", ADMIN);
            assertThat(noReason.exit()).isEqualTo(1);
            assertThat(noReason.err()).contains("REFUSED D400: --reveal needs --reason");
            assertThat(noReason.out()).doesNotContain(personal);

            Run reveal = dlq(gw, "show", ids.get(3), "--reveal", "--reason", "municipality asks to correct the name",
                    "--operator", ADMIN);
            assertThat(reveal.exit()).isZero();
            assertThat(reveal.out()).contains("極秘 三郎", c.get("juminhyoCode").asText(), c.get("myNumber").asText());

            Run discardWithoutReason = dlq(gw, "discard", ids.get(3), "--operator", "op-1");
            assertThat(discardWithoutReason.exit()).isEqualTo(1);
            assertThat(discardWithoutReason.err()).contains("REFUSED D400: discard needs --reason");
            assertThat(dlq(gw, "list", "--operator", "op-1").out()).contains("4 dead letter(s)");

            Run discard = dlq(gw, "discard", ids.get(3), "--reason", "sent again by the municipality", "--operator", "op-1");
            assertThat(discard.exit()).isZero();
            assertThat(discard.out()).contains(ids.get(3) + " discarded");

            gw.startNational();
            Run replay = dlq(gw, "replay", "--all", "--queue", "DLQ.juki.national.honnin", "--operator", "op-2");
            assertThat(replay.exit()).as(replay.err()).isZero();
            assertThat(replay.out()).contains("3 of 3 dead letter(s) replayed");

            await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.noticeCount() == 3);
            assertThat(gw.national.notices()).extracting(n -> n.at("/body/origin/id").asText())
                    .containsExactly(sent.get(0).id(), sent.get(1).id(), sent.get(2).id());
            Run after = dlq(gw, "list", "--operator", "op-1");
            assertThat(after.out()).contains("0 dead letter(s)");
            assertThat(dlq(gw, "show", ids.get(3), "--operator", "op-1").err()).contains("REFUSED D404: no dead letter");

            // every action, refusals included, with its operator; a person's hash where one was concerned
            assertThat(auditRows(gw)).containsExactly(
                    "DLQ_DISCARD ALLOWED D200 operator:op-1 1 discarded: sent again by the municipality",
                    "DLQ_DISCARD REFUSED D400 operator:op-1 0 discard needs --reason",
                    "DLQ_LIST ALLOWED D200 operator:op-1 0 list",
                    "DLQ_LIST ALLOWED D200 operator:op-1 0 list",
                    "DLQ_LIST ALLOWED D200 operator:op-1 0 list",
                    "DLQ_REPLAY ALLOWED D200 operator:op-2 1 to juki.national.honnin",
                    "DLQ_REPLAY ALLOWED D200 operator:op-2 1 to juki.national.honnin",
                    "DLQ_REPLAY ALLOWED D200 operator:op-2 1 to juki.national.honnin",
                    "DLQ_REVEAL ALLOWED D210 operator:" + ADMIN + " 1 revealed: municipality asks to correct the name",
                    "DLQ_REVEAL REFUSED D400 operator:" + ADMIN + " 0 --reveal needs --reason",
                    "DLQ_REVEAL REFUSED D403 operator:op-1 1 op-1 is not an administrator (juki.operators.administrators): "
                            + "personal items stay masked",
                    "DLQ_SHOW ALLOWED D200 operator:op-1 1 masked",
                    "DLQ_SHOW REFUSED D404 operator:op-1 0 no dead letter " + ids.get(3) + " (./gateway dlq list)");
            assertThat(String.join("\n", auditDetails(gw))).doesNotContain(personal);
            // the operator in its own column too, and the reason of a reveal and of a discard
            assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'operator' "
                    + "AND peer IS DISTINCT FROM 'operator:' || operator_id")).isZero();
            assertThat(gw.queryString("SELECT string_agg(msg_type || ' ' || operator_id || ' ' || reason, ',' ORDER BY msg_type) "
                    + "FROM audit.record WHERE line = 'operator' AND reason IS NOT NULL")).isEqualTo(
                    "DLQ_DISCARD op-1 sent again by the municipality,DLQ_REVEAL " + ADMIN
                            + " municipality asks to correct the name");
        }
    }

    @Test
    void aNoticeSupersededByALaterDeliveredOneIsNotReplayedUnlessTheOperatorInsists() throws Exception {
        try (RunningGateway gw = RunningGateway.start(false, Map.of("juki.national.max-redeliveries", "1",
                "juki.national.redelivery-delay-ms", "50"));
             FrameClient cs = gw.connect(SHINJUKU)) {
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
            String id = ids(dlq(gw, "list", "--operator", "op-1").out()).get(0);

            Run refused = dlq(gw, "replay", id, "--operator", "op-1");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).containsPattern("REFUSED D409: " + id
                    + ": a later notice of the same person \\(HN-\\d+\\) was delivered \\(discard it, or --even-if-superseded\\)");
            assertThat(gw.national.noticeCount()).isEqualTo(1);

            Run insisted = dlq(gw, "replay", id, "--even-if-superseded", "--operator", "op-1");
            assertThat(insisted.exit()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.noticeCount() == 2);
            assertThat(gw.national.notices()).extracting(n -> n.at("/body/origin/id").asText())
                    .containsExactly(later.id(), first.id());
            assertThat(auditRows(gw)).contains("DLQ_REPLAY REFUSED D409 operator:op-1 1 " + refused.err().strip()
                    .substring("REFUSED D409: ".length()), "DLQ_REPLAY ALLOWED D200 operator:op-1 1 to juki.national.honnin");
        }
    }

    @Test
    void theEmbeddedBrokerAdmitsOnlyItsOwnLoginAndKeepsDeadLettersWhatever() throws Exception {
        try (RunningGateway gw = RunningGateway.start(false, Map.of())) {
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
            Run list = dlq(gw, "list", "--operator", "op-1");
            assertThat(list.out()).contains("1 dead letter(s)").contains("DLQ.juki.probe  juki.probe  origin -/-")
                    .doesNotContain("12345678901");
            // an external broker is reached with juki.broker.url/user/password (here: this gateway's, over TCP)
            Run external = dlqOn(gw.data, List.of("--set", "juki.broker.url=" + access.url(), "--set",
                    "juki.broker.user=" + access.user(), "--set", "juki.broker.password=" + access.password()),
                    "list", "--queue", "DLQ.juki.probe", "--operator", "op-1");
            assertThat(external.out()).contains("1 dead letter(s) in DLQ.juki.probe");
            Run wrongLogin = dlqOn(gw.data, List.of("--set", "juki.broker.url=" + access.url(), "--set",
                    "juki.broker.user=" + access.user(), "--set", "juki.broker.password=guess"),
                    "list", "--operator", "op-1");
            assertThat(wrongLogin.exit()).isEqualTo(3);
            assertThat(wrongLogin.err()).contains("broker unavailable at " + access.url() + " (JMSSecurityException)");
        }
        Path stopped = Files.createTempDirectory("juki-no-gateway");
        Run noGateway = dlqOn(stopped, List.of(), "list", "--operator", "op-1");
        assertThat(noGateway.exit()).isEqualTo(3);
        assertThat(noGateway.err()).contains("nothing done: no running gateway database to audit in");
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

    /** {@code ./gateway dlq ARGS} as an operator runs it on the gateway's host: its data directory, config and keys. */
    private static Run dlq(RunningGateway gw, String... args) throws Exception {
        List<String> settings = new ArrayList<>();
        String admins = gw.gateway.config().get("juki.operators.administrators", null);
        if (admins != null) {
            settings.addAll(List.of("--set", "juki.operators.administrators=" + admins));
        }
        return dlqOn(gw.data, settings, args);
    }

    private static Run dlqOn(Path data, List<String> settings, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("dlq"));
        all.addAll(List.of(args));
        all.addAll(List.of("--data", data.toString(), "--set", "juki.keystores.dir=" + TestPki.dir()));
        all.addAll(settings);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new GatewayCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static List<String> auditRows(RunningGateway gw) throws Exception {
        List<String> rows = new ArrayList<>();
        try (java.sql.Connection c = gw.gateway.database().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT msg_type, status, code, peer, "
                     + "cardinality(persons), detail FROM audit.record WHERE line = 'operator' ORDER BY 1, 2, 3, 4, 6")) {
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

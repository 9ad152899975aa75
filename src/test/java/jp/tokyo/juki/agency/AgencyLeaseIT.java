package jp.tokyo.juki.agency;

import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.platform.PgLockClusterService;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An agency's drop folder on two nodes (issue 14): one node at a time answers it (lease {@code agency-suido}), so
 * each request file is answered exactly once while both run; when the holder stops mid-stream the other takes the
 * lease over within seconds and answers the rest; the embedded SFTP server runs on the holder of lease {@code sftp}
 * only and moves with it; a file's attempts are counted in the database, so attempts that ended with their node
 * count on whichever node tries next. Both nodes share the drop folders' root ({@code juki.sftp.root}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgencyLeaseIT {
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static final AtomicLong NAMES = new AtomicLong();
    private static Path root;
    private static RunningGateway first;
    private static RunningGateway second;
    private static String residentCode;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("juki-shared-sftp");
        Map<String, String> node = Map.of("juki.cluster.enabled", "true", "juki.sftp.root", root.toString(),
                "juki.agency.poll-ms", "200");
        Map<String, String> one = new HashMap<>(node);
        one.put("juki.node.id", "node-1");
        first = RunningGateway.start(true, one);
        second = first.nextNode(node);
        residentCode = Messages.newJuminhyoCode();
        try (FrameClient cs = first.connect(CHIYODA)) {
            assertThat(cs.send(update(CHIYODA, "MOVE_IN", Messages.person(CHIYODA, residentCode, Messages.newMyNumber(),
                    "二重 花子", "ニジュウ ハナコ"))).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(second, first);
        GatewayChild.deleteTree(root);
    }

    @Test
    @Order(1)
    void eachFileIsAnsweredExactlyOnceWhileBothNodesRunAndSftpRunsOnOneNode() throws Exception {
        assertThat(holder("agency-suido")).isEqualTo("juki-lease node-1");
        assertThat(holder("sftp")).isEqualTo("juki-lease node-1");
        assertThat(sftp(first).running()).isTrue();
        assertThat(sftp(second).running()).as("the SFTP port is open on the holder only").isFalse();
        // what operators see on the management port: which node holds which lease
        assertThat(health(first)).contains("lease.agency-suido", "held").doesNotContain("standby");
        assertThat(health(second)).contains("lease.agency-suido", "standby").doesNotContain("held");

        List<String> stems = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            stems.add(drop(request()));
        }
        for (String stem : stems) {
            assertThat(answer(stem)).as(stem).isEqualTo("res");
        }
        for (String stem : stems) {
            assertAnsweredOnce(stem);
        }
    }

    @Test
    @Order(2)
    void whenTheHolderStopsMidStreamTheOtherNodeTakesTheLeaseAndAnswersTheRest() throws Exception {
        // the first node (it also hosts the database and broker of the test) hands the lease to the second
        CamelContext one = camel(first);
        one.getRouteController().stopRoute("agency-suido");
        await().atMost(Duration.ofSeconds(10)).until(() -> "juki-lease node-2".equals(holder("agency-suido")));
        one.getRouteController().startRoute("agency-suido"); // standby now

        List<String> stems = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stems.add(drop(request()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> answered(stems.get(0)));
        // more files arrive while the holder stops: the ones it did not finish are the first node's
        Thread agency = new Thread(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    synchronized (stems) {
                        stems.add(drop(request()));
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        agency.start();
        Thread.sleep(300);
        long t0 = System.nanoTime();
        second.close();
        double closed = (System.nanoTime() - t0) / 1e9;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> "juki-lease node-1".equals(holder("agency-suido")));
        double takeover = (System.nanoTime() - t0) / 1e9;
        agency.join();
        for (String stem : List.copyOf(stems)) {
            assertThat(answer(stem)).as(stem).isEqualTo("res");
        }
        double finished = (System.nanoTime() - t0) / 1e9;
        System.out.printf("AgencyLeaseIT: holder node-2 closed (%.2f s to stop) -> node-1 holds agency-suido after "
                + "%.2f s; all %d files answered %.2f s after the close began%n", closed, takeover, stems.size(), finished);
        for (String stem : List.copyOf(stems)) {
            assertAnsweredOnce(stem);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sftp(first).running());
        assertThat(first.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'NODE_LEASE' AND peer = 'node node-2' "
                + "AND status = 'CLOSED' AND detail LIKE 'lease agency-suido %'")).isPositive();
        assertThat(first.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'NODE_LEASE' AND peer = 'node node-1' "
                + "AND status = 'GRANTED' AND detail LIKE 'lease agency-suido %'")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void attemptsThatEndedWithTheirNodeAreCountedOnTheNodeThatTriesNext() throws Exception {
        // nobody holds the agency while the files arrive with the attempts other nodes began on them and never ended
        // (each died with the file): two for one, three for the other
        CamelContext one = camel(first);
        one.getRouteController().stopRoute("agency-suido");
        await().atMost(Duration.ofSeconds(10)).until(() -> holder("agency-suido") == null);
        String survives = dropAs("t-died-twice-" + NAMES.incrementAndGet(), request());
        String refused = dropAs("t-died-thrice-" + NAMES.incrementAndGet(), request());
        begun(survives, 2);
        begun(refused, 3);
        one.getRouteController().startRoute("agency-suido");

        // the third attempt is made, and answers
        assertThat(answer(survives)).isEqualTo("res");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.queryLong("SELECT count(*) FROM agency.request_failure "
                + "WHERE file_name = ?", survives + ".req.p7m") == 0);
        // a fourth is not: the file is refused rather than tried on yet another node
        assertThat(answer(refused)).isEqualTo("err");
        assertThat(first.queryString("SELECT answer_code FROM agency.request WHERE file_name = ?", refused + ".req.p7m"))
                .isEqualTo("A100");
        assertThat(first.queryString("SELECT detail FROM audit.record WHERE msg_type = 'AGENCY_REQUEST' AND code = 'A100' "
                + "ORDER BY id DESC LIMIT 1")).contains("3 attempts failed with an internal error or ended with their node");
    }

    @Test
    @Order(4)
    void anAnswerPublishedWhoseRequestLeftBeforeItWasClosedIsClosedByTheHolder() throws Exception {
        // as a holder leaves it that lost its lease (or died) after publishing the answer and removing the request,
        // before DONE: no file in inbox/ leads the holder to it (a fresh-clone run left such a request ANSWERED)
        String stem = "t-left-" + NAMES.incrementAndGet();
        Path answer = root.resolve("suido").resolve("outbox").resolve(stem + ".res.p7m");
        byte[] published = {1, 2, 3};
        Files.write(answer, published);
        try (Connection c = first.gateway.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO agency.request (agency, file_name, digest, state, "
                     + "answer_file, answer_code, row_count, answered_at) VALUES ('suido', ?, ?, 'ANSWERED', ?, 'A000', 1, "
                     + "now())")) {
            ps.setString(1, stem + ".req.p7m");
            ps.setString(2, "0".repeat(64));
            ps.setString(3, stem + ".res.p7m");
            ps.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> first.queryString("SELECT state FROM agency.request WHERE agency = 'suido' AND file_name = ?",
                        stem + ".req.p7m"), "DONE"::equals);
        assertThat(answer).as("the published answer, untouched").hasBinaryContent(published);
        assertThat(first.queryLong("SELECT count(*) FROM agency.request WHERE agency = 'suido' AND file_name = ?",
                stem + ".req.p7m")).as("ledger rows: not answered again").isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private static void begun(String stem, int attempts) throws Exception {
        try (Connection c = first.gateway.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO agency.request_failure (agency, file_name, started, next_at) "
                     + "VALUES ('suido', ?, ?, now() - interval '1 second')")) {
            ps.setString(1, stem + ".req.p7m");
            ps.setInt(2, attempts);
            ps.executeUpdate();
        }
    }

    private static CamelContext camel(RunningGateway gw) {
        return gw.gateway.bean("jukiLeases", PgLockClusterService.class).getCamelContext();
    }

    /** The management port's full health, where check juki-leases tells each lease held or standby. */
    private static String health(RunningGateway gw) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gw.managementPort() + "/observe/health?exposureLevel=full&data=true")).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
        int at = r.body().indexOf("juki-leases");
        assertThat(at).as("check juki-leases in %s", r.body()).isPositive();
        return r.body().substring(at, Math.min(r.body().length(), r.body().indexOf('}', at) + 1));
    }

    private static SftpOnLease sftp(RunningGateway gw) {
        return gw.gateway.bean("dropFolderLease", SftpOnLease.class);
    }

    /** The node whose lease connection holds the lease now (its application_name), or null. */
    private static String holder(String lease) throws Exception {
        return first.queryString("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                + "JOIN lease.lock_name n ON n.id::bigint = l.objid::bigint WHERE l.locktype = 'advisory' "
                + "AND l.classid::bigint = x'4A554B49'::bigint AND l.objsubid = 2 AND l.granted AND n.name = ?", lease);
    }

    private static void assertAnsweredOnce(String stem) throws Exception {
        String name = stem + ".req.p7m";
        assertThat(first.queryLong("SELECT count(*) FROM agency.request WHERE agency = 'suido' AND file_name = ?", name))
                .as(stem + ": one ledger row").isEqualTo(1);
        // the answer is published before the request leaves the inbox and the ledger says DONE (crash-safe order):
        // a file whose answer was just seen may still be ANSWERED for a moment
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> first.queryString("SELECT state || '/' || answer_code FROM agency.request "
                        + "WHERE agency = 'suido' AND file_name = ?", name), "DONE/A000"::equals);
        long id = first.queryLong("SELECT id FROM agency.request WHERE agency = 'suido' AND file_name = ?", name);
        assertThat(first.queryLong("SELECT count(*) FROM agency.provision WHERE request = ?", id)).as(stem + ": provisions")
                .isEqualTo(1);
        assertThat(first.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'AGENCY_REQUEST' AND msg_id = ? "
                + "AND status = 'ANSWERED'", "AR-" + id)).as(stem + ": answer audited once").isEqualTo(1);
    }

    private static byte[] request() throws Exception {
        String csv = HEADER + "r1,SUIDO-FEE,JUMINHYO_CODE," + residentCode + ",,,,,,\n";
        return CmsFiles.protect(csv.getBytes(StandardCharsets.UTF_8), key(TestPki.AGENCY), cert(TestPki.AGENCY),
                cert(Identities.GATEWAY));
    }

    private static PrivateKey key(String identity) throws Exception {
        return Pem.readPrivateKey(TestPki.dir().resolve(identity + ".key.pem"));
    }

    private static X509Certificate cert(String identity) throws Exception {
        return Pem.readCertificate(TestPki.dir().resolve(identity + ".pem"));
    }

    private static String drop(byte[] file) throws Exception {
        return dropAs("t" + NAMES.incrementAndGet(), file);
    }

    /** Uploads as an agency does: a temporary name, then the final one. */
    private static String dropAs(String stem, byte[] file) throws Exception {
        Path inbox = root.resolve("suido").resolve("inbox");
        Path part = inbox.resolve(stem + ".req.p7m.part");
        Files.write(part, file);
        Files.move(part, inbox.resolve(stem + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        return stem;
    }

    private static boolean answered(String stem) {
        Path outbox = root.resolve("suido").resolve("outbox");
        return Files.exists(outbox.resolve(stem + ".res.p7m")) || Files.exists(outbox.resolve(stem + ".err.p7m"));
    }

    /** res or err, once the answer is published and opens as the agency opens it. */
    private static String answer(String stem) throws Exception {
        await().atMost(Duration.ofSeconds(40)).until(() -> answered(stem));
        Path outbox = root.resolve("suido").resolve("outbox");
        String kind = Files.exists(outbox.resolve(stem + ".res.p7m")) ? "res" : "err";
        CmsFiles.Opened opened = CmsFiles.open(Files.readAllBytes(outbox.resolve(stem + "." + kind + ".p7m")),
                key(TestPki.AGENCY), cert(TestPki.AGENCY));
        assertThat(Identities.commonName(opened.signer())).isEqualTo(Identities.GATEWAY);
        return kind;
    }
}

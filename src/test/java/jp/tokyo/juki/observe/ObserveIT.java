package jp.tokyo.juki.observe;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.MetricsText.metric;
import static jp.tokyo.juki.testkit.HealthText.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.cli.ConfigCommand;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * The management port of a real gateway, scraped over HTTP as Prometheus and a Kubernetes probe
 * would: health and readiness follow the national server, dead letters and the database; the
 * metrics count known traffic and carry no personal data. One gateway, started without its
 * national server and with every notice dead-lettered at its first failure; the steps build on
 * each other in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObserveIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String KANJI = "観測 花子";
    private static final String KANA = "カンソク ハナコ";

    private RunningGateway gw;

    @BeforeAll
    void start() throws Exception {
        gw = RunningGateway.start(false, Map.of(
                "juki.observe.sample-ms", "200",
                "juki.observe.national-probe-ms", "200",
                "juki.national.max-redeliveries", "0",
                // every certificate is "about to expire" with a threshold of ~270 years: the warning shows
                "juki.observe.cert-warn-days", "100000",
                "juki.db.connect-timeout-ms", "1000"));
    }

    @AfterAll
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    @Order(1)
    void withoutItsNationalServerTheGatewayIsReadyButNotHealthyAndSaysWhy() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/observe/health").statusCode() == 503);
        JsonNode national = check(get("/observe/health").body(), "juki-national-honnin");
        assertThat(national.path("status").asText()).isEqualTo("DOWN");
        assertThat(national.path("message").asText()).startsWith("no TLS connection to");
        HttpResponse<String> ready = get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ready.body()).path("status").asText()).isEqualTo("UP");
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aCertificateWithinTheWarningPeriodIsAWarningNotDown() throws Exception {
        HttpResponse<String> full = get("/observe/health/ready?exposureLevel=full&data=true");
        assertThat(full.statusCode()).isEqualTo(200);
        JsonNode certificates = check(full.body(), "juki-certificates");
        assertThat(certificates.path("status").asText()).isEqualTo("UP");
        assertThat(certificates.path("message").asText()).startsWith("warning: certificate expires: gateway in");
        assertThat(certificates.at("/data/gateway.days-left").asLong()).isGreaterThan(0);
    }

    @Test
    @Order(3)
    void aDeadLetterShowsAsQueueDepthAndAsAWarning() throws Exception {
        try (FrameClient cs = gw.connect(TestPki.CHUO)) {
            assertThat(cs.send(update(TestPki.CHUO, "MOVE_IN", person(TestPki.CHUO))).get(30, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.ACK);
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                metric(scrape(), "juki_queue_depth", "queue=\"DLQ.juki.national.honnin\"") == 1.0);
        HttpResponse<String> full = get("/observe/health?exposureLevel=full&data=true");
        JsonNode deadLetters = check(full.body(), "juki-dead-letters");
        assertThat(deadLetters.path("status").asText()).isEqualTo("UP");
        assertThat(deadLetters.path("message").asText()).isEqualTo("warning: dead letters waiting: DLQ.juki.national.honnin=1");
    }

    @Test
    @Order(4)
    void knownTrafficIsCountedByTypeCodeAndMunicipalityAndNoPersonalDataIsInTheMetrics() throws Exception {
        gw.startNational();
        gw.startFuhyo();
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/observe/health").statusCode() == 200);
        List<String> planted = new ArrayList<>();
        int updates = 7;
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    metric(scrape(), "juki_cs_connections", "municipality=\"" + TestPki.CHIYODA + "\"") == 1.0);
            for (int i = 0; i < updates; i++) {
                String code = Messages.newJuminhyoCode();
                String myNumber = Messages.newMyNumber();
                planted.add(code);
                planted.add(myNumber);
                Request r = update(TestPki.CHIYODA, "MOVE_IN", person(TestPki.CHIYODA, code, myNumber, KANJI, KANA));
                assertThat(cs.send(r).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
            // refused with E131 (not a Tokyo municipality): counted by the certificate's municipality
            Reply refused = cs.send(update("011002", "MOVE_IN", person(TestPki.CHIYODA))).get(30, TimeUnit.SECONDS);
            assertThat(refused.status()).isEqualTo(Status.NACK);
            String chiyoda = "municipality=\"" + TestPki.CHIYODA + "\"";
            String text = scrape();
            assertThat(metric(text, "juki_cs_messages_in_total", chiyoda, "type=\"HONNIN_UPDATE\"")).isEqualTo(updates);
            assertThat(metric(text, "juki_cs_messages_in_total", chiyoda, "type=\"REFUSED\"")).isEqualTo(1.0);
            assertThat(metric(text, "juki_cs_replies_total", chiyoda, "status=\"ACK\"", "code=\"I000\"")).isEqualTo(updates);
            assertThat(metric(text, "juki_cs_replies_total", chiyoda, "status=\"NACK\"", "code=\"E131\"")).isEqualTo(1.0);
            // CHUO's update of step 3 and CHIYODA's: every request went through a group commit
            assertThat(metric(text, "juki_batch_size_sum", "store=\"honnin\"")).isEqualTo(updates + 1);

            // ./gateway status reads the same port: ready, the open connection, the counts
            StringWriter out = new StringWriter();
            assertThat(status(out)).isZero();
            assertThat(out.toString()).contains("READY").contains("CS connections by municipality: " + TestPki.CHIYODA + " 1")
                    .contains("requests since start:           HONNIN_UPDATE " + (updates + 1))
                    .contains("juki-certificates").contains("days left");
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                metric(scrape(), "juki_national_notices_delivered_total", "server=\"honnin\"") == updates);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(scrape(), "juki_cs_connections", "municipality=\"" + TestPki.CHIYODA + "\"") == 0.0);
        String text = scrape();
        assertThat(metric(text, "juki_national_page_round_trip_seconds_count", "server=\"honnin\"")).isGreaterThan(0);
        assertThat(metric(text, "juki_outbox_backlog", "store=\"honnin\"")).isEqualTo(0.0);
        assertThat(metric(text, "juki_national_reachable", "server=\"honnin\"")).isEqualTo(1.0);
        assertThat(text).contains("juki_audit_pending").contains("juki_audit_written_total")
                .contains("juki_queue_depth{queue=\"juki.audit\"}");
        for (String value : planted) {
            assertThat(text).doesNotContain(value);
        }
        assertThat(text).doesNotContain("観測").doesNotContain("カンソク");
    }

    @Test
    @Order(5)
    void readinessIsDownWhileTheDatabaseIsUnreachableAndUpWhenItReturns() throws Exception {
        String url = gw.gateway.database().jdbcUrl();
        try {
            setConnections(url, gw.ownerPassword(), false);
            await().atMost(Duration.ofSeconds(20)).until(() -> get("/observe/health/ready").statusCode() == 503);
            JsonNode database = check(get("/observe/health/ready").body(), "juki-database");
            assertThat(database.path("status").asText()).isEqualTo("DOWN");
            assertThat(database.path("message").asText()).startsWith("database unreachable");
            // a neighbour's outage is not cured by a restart: liveness stays UP
            assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
            StringWriter out = new StringWriter();
            assertThat(status(out)).isEqualTo(1);
            assertThat(out.toString()).contains("NOT READY").contains("juki-database").contains("DOWN");
        } finally {
            setConnections(url, gw.ownerPassword(), true);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/observe/health/ready").statusCode() == 200);
    }

    @Test
    @Order(6)
    void statusExitsTwoWhenNoGatewayAnswersAndEveryBeanTheRouteFilesMayNameIsBound() throws Exception {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new GatewayCli()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                .execute("status", "--set", "camel.management.port=" + Ports.free(), "--interval", "0.1");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no gateway answers on http://127.0.0.1:");
        // config check accepts exactly these names in route files: each must really be bound
        for (String bean : ConfigCommand.ROUTE_BEANS) {
            assertThat(gw.gateway.bean(bean, Object.class)).as(bean).isNotNull();
        }
    }

    private int status(StringWriter out) {
        return new CommandLine(new GatewayCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute("status", "--set", "camel.management.port=" + gw.managementPort(), "--interval", "0.5");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.managementPort() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = get("/observe/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The result of one check in a health answer. */

    private static void setConnections(String postgresUrl, String password, boolean allowed) throws Exception {
        String template = postgresUrl.replaceFirst("/postgres$", "/template1");
        try (Connection c = DriverManager.getConnection(template, "postgres", password);
             Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS " + allowed);
            if (!allowed) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres'");
            }
        }
    }
}

package jp.tokyo.juki.warmup;

import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static jp.tokyo.juki.testkit.HealthText.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: {@code juki.warmup.seconds} — before it opens its CS listener (every other part already runs, decision 34)
 * the gateway rehearses CS updates on a throwaway gateway of its own (scratch PKI, database and broker, loopback ports, the simulators as its only peers). What an
 * operator sees: the log says how many updates were rehearsed before "juki-gateway ready"; the real gateway's stores,
 * audit and national server hold nothing of them; the scratch directory is gone; and the first real update is served.
 */
class WarmUpIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A stop asked for during the warm-up (SIGTERM: {@code Gateway::stopping}) ends it after the round in hand. */
    @Test
    void aStopDuringTheWarmUpEndsItAfterTheRoundInHandAndLeavesNoScratch() throws Exception {
        Path data = Files.createTempDirectory("juki-warmup");
        Path settings = Path.of("config/application.properties");
        AtomicInteger asked = new AtomicInteger();
        long started = System.nanoTime();
        Rehearsal.Outcome outcome = Rehearsal.run(settings, GatewayConfig.load(settings,
                Map.of("juki.data.dir", data.toString(), "juki.warmup.seconds", "300")), () -> asked.incrementAndGet() > 1);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[WarmUpIT] stopped after round %d: %d updates, %.1f s in all%n", outcome.rounds(),
                outcome.updates(), seconds);
        assertThat(outcome.rounds()).isEqualTo(1);
        assertThat(outcome.updates()).isEqualTo(4000);
        assertThat(outcome.settled()).isFalse();
        assertThat(outcome.managementRequests()).as("the management port was asked for health and metrics meanwhile")
                .isPositive();
        assertThat(seconds).as("far from the 300 s allowed").isLessThan(120);
        assertThat(data.resolve("warmup")).doesNotExist();
    }

    /**
     * Decision 34: the real gateway starts everything but its CS listener first, then rehearses beside it. Meanwhile a
     * CS cannot connect and readiness is DOWN on {@code juki-cs-listener}, which is what a load balancer looks at; a
     * SIGTERM then ends the warm-up and the gateway, exit 0, without its ever saying "ready".
     */
    @Test
    void duringTheWarmUpTheCsListenerIsClosedAndNotReadyAndSigtermEndsTheStartCleanly() throws Exception {
        try (NationalSimulator national = NationalSimulator.start(TestPki.national(), 0, null);
             GatewayChild gw = GatewayChild.launch(national.port(), Map.of("juki.warmup.seconds", "120"))) {
            Path log = gw.data.resolve("gateway").resolve("gateway.log");
            awaitLine(log, "warm-up round 1 ");

            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gw.managementPort + "/observe/health/ready?exposureLevel=full")).build(), BodyHandlers.ofString());
            System.out.println("[WarmUpIT] readiness during the warm-up: " + ready.statusCode() + " " + ready.body());
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode listener = check(ready.body(), "juki-cs-listener");
            assertThat(listener.path("status").asText()).isEqualTo("DOWN");
            assertThat(listener.path("message").asText()).startsWith("the CS listener is not open");
            assertThatThrownBy(() -> new Socket("127.0.0.1", gw.csPort).close()).as("the CS port while warming up")
                    .isInstanceOf(ConnectException.class);

            long stopping = System.nanoTime();
            int exit = gw.stop(Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - stopping) / 1e9;
            System.out.printf("[WarmUpIT] SIGTERM during the warm-up: exit %d after %.1f s%n", exit, seconds);
            assertThat(exit).isZero();
            assertThat(seconds).as("stopped well within the 30 s a stop may take").isLessThan(30);
            String text = Files.readString(log);
            assertThat(text).contains("warm-up done").contains("juki-gateway stopped").doesNotContain("juki-gateway ready");
            assertThat(gw.data.resolve("gateway").resolve("warmup")).doesNotExist();
        }
    }

    /**
     * The CS listener is bound last (decision 34), but a CS port already taken still ends the start at once, before
     * the warm-up, with the port named: an operator does not wait two minutes to learn it.
     */
    @Test
    void aCsPortAlreadyTakenEndsTheStartAtOnceNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             NationalSimulator national = NationalSimulator.start(TestPki.national(), 0, null);
             GatewayChild gw = GatewayChild.launchOnCsPort(taken.getLocalPort(), national.port(),
                     Map.of("juki.warmup.seconds", "120"))) {
            long started = System.nanoTime();
            assertThatThrownBy(gw::awaitReady).hasMessageContaining("gateway exited during start-up (exit 1");
            double seconds = (System.nanoTime() - started) / 1e9;
            String text = Files.readString(gw.data.resolve("gateway").resolve("gateway.log"));
            System.out.printf("[WarmUpIT] CS port taken: exit after %.1f s: %s%n", seconds, text.lines()
                    .filter(l -> l.contains(" ERROR ")).findFirst().orElse("(no ERROR line)"));
            assertThat(text).contains("ERROR").contains("the CS listener's port " + taken.getLocalPort()
                    + " on 127.0.0.1 is taken").doesNotContain("warm-up round").doesNotContain("juki-gateway ready");
            assertThat(seconds).as("ended before any warm-up").isLessThan(60);
        }
    }

    @Test
    void theWarmUpRunsOnAThrowawayGatewayAndLeavesNothingInTheRealOne() throws Exception {
        try (NationalSimulator national = NationalSimulator.start(TestPki.national(), 0, null);
             GatewayChild gw = GatewayChild.start(national.port(), Map.of("juki.warmup.seconds", "12"))) {
            String log = Files.readString(gw.process().log());
            Matcher done = Pattern.compile("warm-up done: (\\d+) simulated updates in (\\d+) rounds").matcher(log);
            assertThat(done.find()).as("the warm-up's summary line in %s", gw.process().log()).isTrue();
            System.out.println("[WarmUpIT] " + log.lines().filter(l -> l.contains("warm-up done")).findFirst().orElseThrow());
            assertThat(Long.parseLong(done.group(1))).as("updates rehearsed").isGreaterThanOrEqualTo(4000);
            assertThat(done.start()).as("the warm-up ends before the real gateway is ready")
                    .isLessThan(log.indexOf("juki-gateway ready"));
            assertThat(log).contains("warm-up gateway (throwaway, serves no peer) ready");
            assertThat(log.indexOf("juki-gateway started; CS listener not open yet")).as("the real gateway started first")
                    .isNotNegative().isLessThan(log.indexOf("warm-up round 1 "));
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gw.managementPort + "/observe/health/ready?exposureLevel=full")).build(), BodyHandlers.ofString());
            JsonNode listener = check(ready.body(), "juki-cs-listener");
            assertThat(listener.path("status").asText()).as("once ready: %s", listener).isEqualTo("UP");

            // nothing of the rehearsal in the real gateway or at its national server
            assertThat(gw.queryLong("SELECT count(*) FROM honnin.resident")).isZero();
            assertThat(gw.queryLong("SELECT count(*) FROM fuhyo.person")).isZero();
            assertThat(gw.queryLong("SELECT count(*) FROM honnin.accepted_request")).isZero();
            assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type IN ('HONNIN_UPDATE', "
                    + "'FUHYO_UPDATE', 'HONNIN_NOTICE', 'FUHYO_NOTICE')")).isZero();
            assertThat(national.noticeCount()).isZero();
            assertThat(gw.data.resolve("gateway").resolve("warmup")).doesNotExist();

            // and the real gateway serves its first CS at once
            CsSimulator.Result first = gw.load(SHINJUKU, 50, 0, 2, 1601).get(60, TimeUnit.SECONDS);
            assertThat(first.acked()).isEqualTo(50);
            assertThat(gw.queryLong("SELECT count(*) FROM honnin.accepted_request")).isEqualTo(50);
        }
    }

    private static void awaitLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertThat(System.nanoTime()).as("'%s' in %s within 180 s", text, log).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}

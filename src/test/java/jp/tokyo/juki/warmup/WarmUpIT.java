package jp.tokyo.juki.warmup;

import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Issue 16: {@code juki.warmup.seconds} — before it opens its ports the gateway rehearses CS updates on a throwaway
 * gateway of its own (scratch PKI, database and broker, loopback ports, the simulators as its only peers). What an
 * operator sees: the log says how many updates were rehearsed before "juki-gateway ready"; the real gateway's stores,
 * audit and national server hold nothing of them; the scratch directory is gone; and the first real update is served.
 */
class WarmUpIT {
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
        assertThat(seconds).as("far from the 300 s allowed").isLessThan(120);
        assertThat(data.resolve("warmup")).doesNotExist();
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
}

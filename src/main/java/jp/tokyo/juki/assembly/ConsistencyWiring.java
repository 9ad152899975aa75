package jp.tokyo.juki.assembly;

import java.util.List;
import jp.tokyo.juki.consistency.ConsistencyRequests;
import jp.tokyo.juki.consistency.Sessions;
import jp.tokyo.juki.consistency.Settings;
import jp.tokyo.juki.cs.CsLineSettings;
import jp.tokyo.juki.fuhyo.FuhyoConsistency;
import jp.tokyo.juki.honnin.HonninConsistency;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.stats.ConsistencyLedger;
import jp.tokyo.juki.stats.StatisticsSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.record.FuhyoUpdateReader;
import jp.tokyo.juki.record.HonninUpdateReader;

/**
 * Wiring of the consistency check (整合, R-CONS) into the gateway (see {@link Assembly}): the CS
 * route's step {@code consistency}, the sessions' expiry {@code consistencySessions} for
 * {@code routes/consistency.camel.yaml}, one source per store. No logic of its own.
 */
final class ConsistencyWiring {
    private ConsistencyWiring() {
    }

    static void wire(Assembly a) {
        GatewayConfig c = a.config();
        Settings settings = Settings.from(c, c.get(CsLineSettings.FRAME_MAX));
        Sessions sessions = new Sessions(List.of(
                new Sessions.Store<>(HonninConsistency.source(new HonninUpdateReader(a.tokyo())),
                        opener(a, EmbeddedDatabase.HONNIN_ROLE)),
                new Sessions.Store<>(FuhyoConsistency.source(new FuhyoUpdateReader(a.tokyo())),
                        opener(a, EmbeddedDatabase.FUHYO_ROLE))),
                opener(a, EmbeddedDatabase.HONNIN_ROLE), settings, a.audit(), c.get(Settings.THREADS));
        sessions.keepResultsIn(new ConsistencyLedger(a.database().forRole(StatisticsSettings.ROLE)));
        a.bind("consistency", new ConsistencyRequests(sessions));
        a.bind("consistencySessions", sessions);
        a.onClose().add(sessions);
    }

    /**
     * Connections of the consistency check's own, logged in as the store's role (same user and
     * password keys as the role's pool): not taken from the pool, so that a long comparison never
     * holds a connection the store's updates wait for.
     */
    private static Sessions.Opener opener(Assembly a, String role) {
        return () -> a.database().connectAs(role, "juki-consistency");
    }
}

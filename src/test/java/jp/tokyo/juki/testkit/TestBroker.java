package jp.tokyo.juki.testkit;

import java.nio.file.Path;
import java.util.Map;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Ports;

/** The gateway's own embedded Artemis, alone, for tests of what crosses it: its journal in {@code dir}, a free port. */
public final class TestBroker {
    private TestBroker() {
    }

    /** Starts the broker as the gateway configures it (config/application.properties), in {@code dir}. */
    public static Broker start(Path dir) throws Exception {
        GatewayConfig config = GatewayConfig.load(Path.of("config/application.properties"),
                Map.of("juki.data.dir", dir.toString(), "juki.broker.acceptor", "tcp://127.0.0.1:" + Ports.free()));
        return Broker.start(config);
    }
}

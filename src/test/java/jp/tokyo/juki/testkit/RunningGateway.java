package jp.tokyo.juki.testkit;

import jakarta.jms.ConnectionFactory;
import java.io.IOException;
import java.io.Reader;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import jp.tokyo.juki.api.ApiSettings;
import jp.tokyo.juki.assembly.Gateway;
import jp.tokyo.juki.platform.BrokerAccess;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.wire.FrameClient;

/**
 * A real gateway for integration tests: embedded PostgreSQL and Artemis in a temporary
 * directory, the route files of {@code routes/}, ephemeral ports, and a national simulator
 * (started with it, or later to simulate an outage); a fuhyo national simulator on request.
 */
public final class RunningGateway implements AutoCloseable {
    public final Path data;
    public final int csPort;
    public final int nationalPort;
    public final int fuhyoPort;
    public final Gateway gateway;
    public NationalSimulator national;
    public NationalSimulator fuhyo;

    private RunningGateway(Path data, int csPort, int nationalPort, int fuhyoPort, Gateway gateway) {
        this.data = data;
        this.csPort = csPort;
        this.nationalPort = nationalPort;
        this.fuhyoPort = fuhyoPort;
        this.gateway = gateway;
    }

    /**
     * Starts a gateway; when one of its ports was taken between choosing it and binding it
     * (another process on this machine may pick the same free port), starts again on fresh
     * ports and a fresh directory, up to three times.
     */
    public static RunningGateway start(boolean withNational, Map<String, String> extra) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(withNational, extra);
            } catch (Exception e) {
                if (attempt == 3 || !portTaken(e)) {
                    throw e;
                }
                System.err.println("RunningGateway: a port was taken while starting (" + e.getClass().getSimpleName()
                        + "), starting again on fresh ports");
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static RunningGateway startOnce(boolean withNational, Map<String, String> extra) throws Exception {
        Path data = Files.createTempDirectory("juki-it");
        int csPort = Ports.free();
        int nationalPort = Ports.free();
        int fuhyoPort = Ports.free();
        NationalSimulator national = withNational
                ? NationalSimulator.start(TestPki.national(), nationalPort, null) : null;
        Map<String, String> overrides = new HashMap<>(Map.of(
                // no test may reach a fuhyo national server on the default port of this machine
                "juki.national-fuhyo.port", Integer.toString(fuhyoPort),
                "juki.data.dir", data.toString(),
                "juki.keystores.dir", TestPki.dir().toString(),
                "juki.cs.port", Integer.toString(csPort),
                "juki.cs.host", "127.0.0.1",
                "juki.national.port", Integer.toString(nationalPort),
                "juki.national.redelivery-delay-ms", "200",
                "juki.national.max-redelivery-delay-ms", "1000",
                "juki.crl.check-seconds", "1",
                "juki.db.embedded.shared-buffers", "64MB"));
        overrides.put("juki.sftp.port", "0");
        overrides.put("juki.sftp.host", "127.0.0.1");
        overrides.put("camel.management.port", Integer.toString(Ports.free()));
        // the operator port: never the default 8443 of this machine, and only on loopback
        overrides.put("juki.operator.host", "127.0.0.1");
        overrides.put("juki.operator.port", Integer.toString(Ports.free()));
        overrides.put("juki.broker.acceptor", "tcp://127.0.0.1:" + Ports.free());
        overrides.putAll(extra);
        Gateway gateway;
        try {
            gateway = new Gateway(GatewayConfig.load(Path.of("config/application.properties"), overrides)).start();
        } catch (Exception e) {
            if (national != null) {
                national.close();
            }
            throw e;
        }
        RunningGateway running = new RunningGateway(data, Integer.parseInt(overrides.get("juki.cs.port")),
                Integer.parseInt(overrides.get("juki.national.port")),
                Integer.parseInt(overrides.get("juki.national-fuhyo.port")), gateway);
        running.national = national;
        return running;
    }

    /** The operator port (API and console): {@code https://localhost:<port>}. */
    public int operatorPort() {
        return gateway.config().get(ApiSettings.PORT);
    }

    /** The management port (health and metrics), e.g. {@code http://127.0.0.1:<port>/observe/metrics}. */
    public int managementPort() {
        return Integer.parseInt(gateway.config().get("camel.management.port", "9876"));
    }

    /** The password of the embedded database's owner (the gateway made it at start; kept in the data directory). */
    public String ownerPassword() throws IOException {
        return DatabaseLogins.of(data).password(DatabaseLogins.OWNER);
    }

    /**
     * Another node of this gateway (issue 14): its own JVM-local parts (ports, data directory, Camel) on this
     * gateway's embedded PostgreSQL and Artemis (as an external database and broker, over TCP), delivering to the
     * same national simulators. Both should run with {@code juki.cluster.enabled=true} (pass it to the first's
     * {@code extra} too); this one is {@code juki.node.id=node-2} unless {@code extra} says otherwise. Closing it
     * leaves this gateway running; its national simulators stay this gateway's.
     */
    public RunningGateway nextNode(Map<String, String> extra) throws Exception {
        Map<String, String> node = new HashMap<>();
        node.put("juki.db.url", gateway.database().jdbcUrl());
        node.put("juki.db.user", DatabaseLogins.OWNER);
        Properties pg = new Properties();
        try (Reader r = Files.newBufferedReader(data.resolve(DatabaseLogins.FILE), StandardCharsets.UTF_8)) {
            pg.load(r);
        }
        for (String role : pg.stringPropertyNames()) {
            if (role.equals(DatabaseLogins.OWNER)) {
                node.put("juki.db.password", pg.getProperty(role));
            } else {
                node.put("juki.db." + role + ".password", pg.getProperty(role));
            }
        }
        BrokerAccess broker = BrokerAccess.of(gateway.config());
        node.put("juki.broker.url", broker.url());
        node.put("juki.broker.user", broker.user());
        node.put("juki.broker.password", broker.password());
        node.put("juki.national.port", Integer.toString(nationalPort));
        node.put("juki.national-fuhyo.port", Integer.toString(fuhyoPort));
        node.put("juki.cluster.enabled", "true");
        node.put("juki.node.id", "node-2");
        node.putAll(extra);
        return start(false, node);
    }

    public void startNational() throws Exception {
        national = NationalSimulator.start(TestPki.national(), nationalPort, null);
    }

    /** A fuhyo national simulator on the port the gateway delivers FUHYO_NOTICE to. */
    public void startFuhyo() throws Exception {
        fuhyo = NationalSimulator.startFuhyo(TestPki.nationalFuhyo(), fuhyoPort, null);
    }

    public FrameClient connect(String municipality) throws Exception {
        return FrameClient.connect("127.0.0.1", csPort, TestPki.cs(municipality));
    }

    public ConnectionFactory brokerConnectionFactory() {
        return gateway.brokerConnectionFactory();
    }

    public long queryLong(String sql, Object... args) throws Exception {
        try (Connection c = gateway.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public String queryString(String sql, Object... args) throws Exception {
        try (Connection c = gateway.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Closes each that is not null, in the order given: the clients, then the gateway (a test class's teardown). */
    public static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Stops the gateway and its simulators and keeps its data directory (a backup of the stopped gateway, issue 14). */
    public void stopKeepingData() {
        gateway.close();
        if (national != null) {
            national.close();
        }
        if (fuhyo != null) {
            fuhyo.close();
        }
    }

    @Override
    public void close() {
        stopKeepingData();
        // each run left ~60 MB of database and journal behind: 46 GB in /tmp by the end of a day
        GatewayChild.deleteTree(data);
    }

}

package jp.tokyo.juki.platform;

import jakarta.jms.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message broker: an external Artemis when {@code juki.broker.url} is set, otherwise an
 * embedded one with a persistent, synced journal under {@code data/broker}. Queues of notices
 * get a dead-letter address whose messages never expire (the delivery moves what it gives up
 * on there itself; the broker's own limit is a safety net) and no broker redelivery delay (a
 * delay would let later notices overtake a rolled-back one and break per-person order).
 *
 * <p>The embedded broker always has security on with a single login made at its first start
 * ({@link BrokerAccess}); its TCP acceptor ({@code juki.broker.acceptor}, loopback by default)
 * lets operator tools on the host reach it, and the URL it is bound to is written to
 * {@code <data>/broker/acceptor.url} (removed at stop).
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final AtomicInteger VM_IDS = new AtomicInteger();

    public static final String NATIONAL_HONNIN_QUEUE = "juki.national.honnin";
    public static final String NATIONAL_FUHYO_QUEUE = "juki.national.fuhyo";
    public static final String AUDIT_QUEUE = "juki.audit";

    private final EmbeddedActiveMQ embedded;
    private final ActiveMQConnectionFactory connectionFactory;

    private final Path acceptorUrlFile;

    private Broker(EmbeddedActiveMQ embedded, ActiveMQConnectionFactory cf, Path acceptorUrlFile) {
        this.embedded = embedded;
        this.connectionFactory = cf;
        this.acceptorUrlFile = acceptorUrlFile;
    }

    public static Broker start(GatewayConfig config) throws Exception {
        String url = config.get(BrokerSettings.URL);
        EmbeddedActiveMQ embedded = null;
        Path acceptorUrlFile = null;
        String user = config.get(BrokerSettings.USER);
        String password = config.get(BrokerSettings.PASSWORD);
        if (url == null) {
            int vmId = VM_IDS.incrementAndGet();
            Path dir = BrokerAccess.brokerDir(config);
            BrokerAccess login = BrokerAccess.embeddedLogin(dir);
            user = login.user();
            password = login.password();
            Configuration c = durable("juki-broker", dir, login.password())
                    .addAcceptorConfiguration("in-vm", "vm://" + vmId);
            String tcp = config.get(BrokerSettings.ACCEPTOR);
            if (tcp != null) {
                c.addAcceptorConfiguration("tcp", tcp);
            }
            addressSettings(c);
            embedded = new EmbeddedActiveMQ();
            embedded.setConfiguration(c);
            embedded.setSecurityManager(new SingleLoginSecurity(login.user(), login.password()));
            embedded.start();
            url = "vm://" + vmId;
            LOG.info("embedded Artemis started with its journal in {}", dir);
            if (tcp != null) {
                acceptorUrlFile = publishAcceptor(embedded, tcp, dir);
            }
        }
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        if (user != null) {
            cf.setUser(user);
            cf.setPassword(password);
        }
        return new Broker(embedded, cf, acceptorUrlFile);
    }

    /**
     * What every broker of the gateway is, the embedded one and each of an external pair ({@code harness/HaBroker}):
     * persistent, with security on and the cluster user's password set (its default is public, and it bypasses every
     * check), its journal, bindings, large messages and paging under {@code dir}, every journal write synced, no JMX.
     */
    public static Configuration durable(String name, Path dir, String clusterPassword) {
        return new ConfigurationImpl()
                .setName(name)
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                .setClusterPassword(clusterPassword)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setJournalSyncTransactional(true)
                .setJournalSyncNonTransactional(true)
                .setJMXManagementEnabled(false);
    }

    /**
     * The address settings every broker of the gateway needs (the embedded one, and each of an external
     * pair, see {@code harness/HaBroker}): notices' dead-letter address whose messages never expire, no
     * redelivery delay on notices (per-person order), a slower redelivery of audit records.
     */
    public static void addressSettings(Configuration c) {
        c.addAddressSetting("juki.national.#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ.juki.national"))
                .setAutoCreateDeadLetterResources(true)
                .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(0L));
        // no-expiry: even a dead letter sent with a time-to-live is kept (R-REL-DLQ: never dropped)
        c.addAddressSetting("DLQ.#", new AddressSettings()
                .setNoExpiry(true)
                .setExpiryDelay(-1L)
                .setMaxDeliveryAttempts(-1));
        c.addAddressSetting("juki.audit", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ.juki.audit"))
                .setAutoCreateDeadLetterResources(true)
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(1000L));
    }

    /**
     * Writes the URL the TCP acceptor is bound to (its actual port, when configured as 0) for
     * operator tools; written to a temporary file first so a tool never reads half a URL.
     */
    private static Path publishAcceptor(EmbeddedActiveMQ embedded, String configured, Path dir) throws IOException {
        Acceptor a =
                embedded.getActiveMQServer().getRemotingService().getAcceptor("tcp");
        URI uri = URI.create(configured);
        int port = a instanceof NettyAcceptor n
                ? n.getActualPort() : uri.getPort();
        String bound = "tcp://" + uri.getHost() + ":" + port;
        Path file = dir.resolve(BrokerAccess.ACCEPTOR_URL);
        Path tmp = dir.resolve(BrokerAccess.ACCEPTOR_URL + ".tmp");
        Files.writeString(tmp, bound + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        LOG.info("embedded Artemis accepts operator tools at {}", bound);
        return file;
    }

    /** Connections for the beans that manage their own transacted sessions (relay, delivery, audit). */
    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** The embedded broker's server (null for an external one), for tests that fail its connections. */
    ActiveMQServer server() {
        return embedded == null ? null : embedded.getActiveMQServer();
    }

    @Override
    public void close() throws Exception {
        connectionFactory.close();
        if (acceptorUrlFile != null) {
            Files.deleteIfExists(acceptorUrlFile);
        }
        if (embedded != null) {
            embedded.stop();
        }
    }
}

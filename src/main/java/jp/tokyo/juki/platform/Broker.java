package jp.tokyo.juki.platform;

import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message broker: an external Artemis when {@code juki.broker.url} is set, otherwise an
 * embedded one with a persistent, synced journal under {@code data/broker}. Queues of notices
 * get a dead-letter address whose messages never expire (the delivery moves what it gives up
 * on there itself; the broker's own limit is a safety net) and no broker redelivery delay (a
 * delay would let later notices overtake a rolled-back one and break per-person order).
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final AtomicInteger VM_IDS = new AtomicInteger();

    public static final String NATIONAL_HONNIN_QUEUE = "juki.national.honnin";
    public static final String NATIONAL_FUHYO_QUEUE = "juki.national.fuhyo";
    public static final String AUDIT_QUEUE = "juki.audit";

    private final EmbeddedActiveMQ embedded;
    private final ActiveMQConnectionFactory connectionFactory;

    private Broker(EmbeddedActiveMQ embedded, ActiveMQConnectionFactory cf) {
        this.embedded = embedded;
        this.connectionFactory = cf;
    }

    public static Broker start(GatewayConfig config) throws Exception {
        String url = config.get("juki.broker.url", null);
        EmbeddedActiveMQ embedded = null;
        if (url == null) {
            int vmId = VM_IDS.incrementAndGet();
            Path dir = config.dataDir().resolve("broker").toAbsolutePath();
            Configuration c = new ConfigurationImpl()
                    .setName("juki-broker")
                    .setPersistenceEnabled(true)
                    .setSecurityEnabled(false)
                    .setJournalType(JournalType.NIO)
                    .setJournalDirectory(dir.resolve("journal").toString())
                    .setBindingsDirectory(dir.resolve("bindings").toString())
                    .setLargeMessagesDirectory(dir.resolve("large").toString())
                    .setPagingDirectory(dir.resolve("paging").toString())
                    .setJournalSyncTransactional(true)
                    .setJournalSyncNonTransactional(true)
                    .setJMXManagementEnabled(false)
                    .addAcceptorConfiguration("in-vm", "vm://" + vmId);
            String tcp = config.get("juki.broker.acceptor", null);
            if (tcp != null) {
                c.addAcceptorConfiguration("tcp", tcp);
            }
            c.addAddressSetting("juki.national.#", new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of("DLQ.juki.national"))
                    .setAutoCreateDeadLetterResources(true)
                    .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                    .setMaxDeliveryAttempts(-1)
                    .setRedeliveryDelay(0L));
            c.addAddressSetting("DLQ.#", new AddressSettings()
                    .setExpiryDelay(-1L)
                    .setMaxDeliveryAttempts(-1));
            c.addAddressSetting("juki.audit", new AddressSettings()
                    .setDeadLetterAddress(SimpleString.of("DLQ.juki.audit"))
                    .setAutoCreateDeadLetterResources(true)
                    .setMaxDeliveryAttempts(-1)
                    .setRedeliveryDelay(1000L));
            embedded = new EmbeddedActiveMQ();
            embedded.setConfiguration(c);
            embedded.start();
            url = "vm://" + vmId;
            LOG.info("embedded Artemis started with its journal in {}", dir);
        }
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        String user = config.get("juki.broker.user", null);
        if (user != null) {
            cf.setUser(user);
            cf.setPassword(config.get("juki.broker.password", ""));
        }
        return new Broker(embedded, cf);
    }

    /** Connections for the beans that manage their own transacted sessions (relay, delivery, audit). */
    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    @Override
    public void close() throws Exception {
        connectionFactory.close();
        if (embedded != null) {
            embedded.stop();
        }
    }
}

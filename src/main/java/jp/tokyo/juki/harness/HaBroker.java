package jp.tokyo.juki.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.SingleLoginSecurity;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * One broker of an Artemis replication pair (primary or backup), run as a process of its own by the
 * several-node harness ({@link HaCluster}): the gateway's address settings ({@link Broker#addressSettings}),
 * one login, a synced journal, a static cluster connection to its peer; the primary checks for an active
 * server at start (a primary restarted after a failover must not serve its stale journal), the backup does
 * not fail back. Arguments: {@code primary|backup <dir> <bind host> <advertised host> <port> <peer port> <user> <password>}.
 * Prints {@code juki-ha-broker in sync with the primary} (backup) once replicated, and {@code juki-ha-broker active}
 * when it serves (the primary at once, the backup after a failover).
 */
public final class HaBroker {
    private HaBroker() {
    }

    public static void main(String[] args) throws Exception {
        boolean primary = args[0].equals("primary");
        Path dir = Path.of(args[1]);
        String bind = args[2];
        String advertised = args[3];
        int port = Integer.parseInt(args[4]);
        int peerPort = Integer.parseInt(args[5]);
        String user = args[6];
        String password = args[7];
        Configuration c = Broker.durable("juki-ha-" + args[0], dir, password)
                .setClusterUser("juki-cluster")
                .addAcceptorConfiguration("tcp", "tcp://" + bind + ":" + port)
                .addConnectorConfiguration("self", "tcp://" + advertised + ":" + port)
                .addConnectorConfiguration("peer", "tcp://" + advertised + ":" + peerPort)
                .addClusterConfiguration(new ClusterConnectionConfiguration().setName("juki-ha").setConnectorName("self")
                        .setStaticConnectors(List.of("peer")).setRetryInterval(500).setReconnectAttempts(-1))
                .setHAPolicyConfiguration(primary
                        ? new ReplicatedPolicyConfiguration().setCheckForActiveServer(true)
                        : new ReplicaPolicyConfiguration().setAllowFailBack(false));
        Broker.addressSettings(c);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(c);
        broker.setSecurityManager(new SingleLoginSecurity(user, password));
        broker.start();
        System.out.println("juki-ha-broker started (" + args[0] + ")");
        if (!primary) {
            while (!broker.getActiveMQServer().isReplicaSync() && !broker.getActiveMQServer().isActive()) {
                Thread.sleep(50);
            }
            System.out.println("juki-ha-broker in sync with the primary");
        }
        while (!broker.getActiveMQServer().isActive()) {
            Thread.sleep(50);
        }
        System.out.println("juki-ha-broker active");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
            } catch (Exception e) {
                System.err.println("juki-ha-broker stop: " + e);
            }
            stop.countDown();
        }));
        stop.await();
    }
}

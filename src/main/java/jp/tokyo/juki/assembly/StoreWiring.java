package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.cs.UpdateRequests;
import jp.tokyo.juki.national.NationalDelivery;
import jp.tokyo.juki.national.NationalNotices;
import jp.tokyo.juki.national.NationalSettings;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.national.OutboxRelay;
import jp.tokyo.juki.national.StoreLine;
import jp.tokyo.juki.observe.ObserveSampler;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.PgLockClusterService;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.store.GroupCommit;
import jp.tokyo.juki.store.StoreSettings;
import jp.tokyo.juki.store.UpdateTransaction;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;

/**
 * One store's flow, bound for routes/cs-listener.camel.yaml and routes/national-&lt;store&gt;.camel.yaml:
 * the CS route's update step ({@code <store>Updates}) in front of the store's group commit, the
 * outbox relay ({@code <store>OutboxRelay}) and the delivery to its national server
 * ({@code national<Store>Delivery}), which runs on the node holding lease {@code national-<store>}. Both stores
 * share the national page, timeout and retry settings ({@code juki.national.*}); host and port are per server. The
 * relay and the delivery are closed after the routes have stopped.
 */
final class StoreWiring {
    private static final String DELIVERY_BEAN = "nationalDeliveryOf";

    private StoreWiring() {
    }

    /**
     * One node at a time delivers a store's notices (issue 14, decisions 29): for each store whose delivery route
     * runs on this node, its delivery asks for lease {@code national-<store>} and is switched by the lease's
     * events. Called once the routes exist and before the leases are first tried, on the thread that starts the
     * gateway (a node whose delivery route is left out never holds the lease).
     */
    static void joinDeliveryLeases(CamelContext context, PgLockClusterService leases) throws Exception {
        for (StoreLine line : List.of(StoreLine.HONNIN, StoreLine.FUHYO)) {
            NationalDelivery delivery = context.getRegistry().lookupByNameAndType(DELIVERY_BEAN + line.beanPrefix(),
                    NationalDelivery.class);
            if (delivery == null || context.getRoute("national-" + line.name() + "-delivery") == null) {
                continue;
            }
            leases.getView(NationalDelivery.lease(line)).addEventListener(
                    (CamelClusterEventListener.Leadership) (view, leader) -> {
                        if (view.getLocalMember().isLeader()) {
                            delivery.leaseTaken();
                        } else {
                            delivery.leaseLost();
                        }
                    });
        }
    }

    /**
     * @param reader      reads one update of this store from a request's body
     * @param persons     the persons an update concerns (for the audit record)
     * @param replies     where updates are answered once committed
     * @param auditBehind why the audit is behind, or null: updates are then answered E503
     * @return the store's group commit, started before the routes and drained first at a stop
     */
    static <U> GroupCommit<UpdateTransaction.Command<U>> wire(Assembly a, ObservabilityWiring observe, StoreLine line,
                                                             UpdateTransaction<U> transaction,
                                                             UpdateRequests.BodyReader<U> reader,
                                                             Function<U, List<String>> persons, ExecutorService replies,
                                                             Supplier<String> auditBehind)
            throws IOException, GeneralSecurityException {
        GatewayConfig config = a.config();
        // a connection's pipelined updates always go to the same writer, in the order they arrived
        GroupCommit<UpdateTransaction.Command<U>> commit = new GroupCommit<>(line.name(), config.get(StoreSettings.WRITERS),
                config.get(StoreSettings.MAX), observe.metrics().countingBatches(line.name(), transaction::process));
        a.bind(line.name() + "Updates", new UpdateRequests<>(reader, persons, commit, replies, auditBehind));

        OutboxRelay relay = new OutboxRelay(a.database().forRole(line.role()), a.broker().connectionFactory(),
                line.name() + ".national_outbox", line.queue(), line.relayLock(), config.get(NationalSettings.RELAY_PAGE),
                config.get(NationalSettings.PAGE), config.get(DatabaseSettings.NETWORK_TIMEOUT));
        a.onClose().add(relay::close);
        observe.outbox(line.name(), relay::backlog);
        a.bind(line.name() + "OutboxRelay", relay);

        SSLContext tls = a.keys().sslContext(Identities.GATEWAY, Identities.exactly(line.peer()), line.peer());
        NationalDelivery.Settings settings = NationalDelivery.Settings.from(config, line.host(), line.port());
        NationalDelivery delivery = new NationalDelivery(a.broker().connectionFactory(), line.queue(), () -> tls, settings,
                new NationalNotices(line.noticeType(), line.idPrefix(), Municipalities.PREFECTURE_CODE, line.peer(),
                        a.audit()), a.audit());
        a.onClose().add(delivery::close);
        observe.national(new ObserveSampler.NationalServer(line.name(), settings.host(), settings.port(), tls));
        a.bind("national" + line.beanPrefix() + "Delivery",
                NationalDelivery.tick(observe.metrics().timedPages(line.name(), delivery::deliverPage), settings.page()));
        a.bind(DELIVERY_BEAN + line.beanPrefix(), delivery);
        return commit;
    }
}

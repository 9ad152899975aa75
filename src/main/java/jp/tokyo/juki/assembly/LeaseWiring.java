package jp.tokyo.juki.assembly;

import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.platform.ClusterSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.LeaseCheck;
import jp.tokyo.juki.platform.LeaseSettings;
import jp.tokyo.juki.platform.PgLockClusterService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class LeaseWiring {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseWiring.class);
    /** the login role of the lease connection (V20__leases.sql): it can take advisory locks and name leases, nothing else */
    static final String ROLE = "juki_lease";

    private LeaseWiring() {
    }

    /**
     * One node at a time (docs/operations/leases.md): the lease service on this node's own connection as
     * {@link #ROLE}, bound so that camel-main adds it to the context (routes read {@code master:<lease>:…}); each
     * lease taken or lost is audited ({@code NODE_LEASE}, with the node's id). One node runs the same code and
     * simply always holds its leases.
     */
    static PgLockClusterService wire(Assembly a) {
        GatewayConfig config = a.config();
        String node = ClusterSettings.nodeId(config);
        PgLockClusterService leases = new PgLockClusterService(() -> a.database().connectAs(ROLE, "juki-lease " + node),
                node, config.get(LeaseSettings.TRY), config.get(LeaseSettings.FENCE), new PgLockClusterService.Events() {
            @Override
            public void taken(String lease) {
                a.audit().record(AuditEvent.in(line(lease), "node " + node, GatewayEvent.NODE_LEASE)
                        .status(AuditStatus.GRANTED).detail("lease " + lease + " taken by node " + node));
            }

            @Override
            public void lost(String lease, String why) {
                a.audit().record(AuditEvent.in(line(lease), "node " + node, GatewayEvent.NODE_LEASE)
                        .status(AuditStatus.CLOSED).detail("lease " + lease + " given up by node " + node + ": " + why));
            }
        });
        a.bind("jukiLeases", leases);
        a.bind("jukiLeaseCheck", new LeaseCheck(leases));
        LOG.info("leases: node {} tries every {} ms, gives up what it holds after {} ms without the database{}", node,
                config.get(LeaseSettings.TRY).toMillis(), config.get(LeaseSettings.FENCE).toMillis(),
                config.get(ClusterSettings.ENABLED) ? " (one of several nodes)" : "");
        return leases;
    }

    private static AuditLine line(String lease) {
        return lease.startsWith("agency-") ? AuditLine.AGENCY : lease.equals("sftp") ? AuditLine.SFTP
                : lease.startsWith("national-") ? AuditLine.NATIONAL : AuditLine.LINK;
    }
}

package jp.tokyo.juki.platform;

import java.util.List;
import java.util.Optional;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * One lease of {@link PgLockClusterService} as Camel sees it: started while a route (or a Java part) wants the lease,
 * this node the leader while it holds it. Only the local member is known: which other node holds a lease is in
 * {@code pg_stat_activity} ({@code application_name = 'juki-lease <node>'}), not here.
 */
public final class PgLockClusterView extends AbstractCamelClusterView {
    private final PgLockClusterService service;
    private final Lease lease;
    private final CamelClusterMember local;

    PgLockClusterView(PgLockClusterService service, Lease lease) {
        super(service, lease.name());
        this.service = service;
        this.lease = lease;
        this.local = new CamelClusterMember() {
            @Override
            public boolean isLeader() {
                return lease.held();
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return service.nodeId();
            }
        };
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        return lease.held() ? Optional.of(local) : Optional.empty();
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return local;
    }

    @Override
    public List<CamelClusterMember> getMembers() {
        return List.of(local);
    }

    /** The lease was taken or lost: listeners (the master consumers) start or stop. */
    void changed() {
        fireLeadershipChangedEvent(lease.held() ? local : null);
    }

    @Override
    protected void doStart() {
        service.want(lease);
    }

    @Override
    protected void doStop() {
        service.release(lease);
    }
}

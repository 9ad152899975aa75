package jp.tokyo.juki.routes;

import java.util.List;
import java.util.Optional;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * The route tests' lease service: this context holds every lease, so a {@code master:<lease>:<endpoint>} route
 * runs its consumer as on a gateway alone (the real one, {@code platform.PgLockClusterService}, needs a database).
 */
final class StandInLeases extends AbstractCamelClusterService<StandInLeases.View> {

    @Override
    protected View createView(String namespace) {
        return new View(this, namespace);
    }

    /** A lease always held by the local member. */
    static final class View extends AbstractCamelClusterView {
        private final CamelClusterMember local = new CamelClusterMember() {
            @Override
            public boolean isLeader() {
                return true;
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return "route-test";
            }
        };

        View(StandInLeases service, String namespace) {
            super(service, namespace);
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return Optional.of(local);
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        @Override
        protected void doStart() {
            fireLeadershipChangedEvent(local);
        }
    }
}

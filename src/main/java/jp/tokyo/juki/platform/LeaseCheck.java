package jp.tokyo.juki.platform;

import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The leases this node holds, for operators ({@code /observe/health?exposureLevel=full&data=true}: detail
 * {@code lease.<name>} = {@code held} or {@code standby}). Always UP, and neither a readiness nor a liveness check:
 * a node that holds no lease serves everything else as well as the holder.
 */
public final class LeaseCheck extends AbstractHealthCheck {
    private final PgLockClusterService leases;

    public LeaseCheck(PgLockClusterService leases) {
        super("juki", "juki-leases");
        this.leases = leases;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, String> state = new TreeMap<>();
        leases.wanted().forEach(l -> state.put(l.name(), l.held() ? "held" : "standby"));
        state.forEach((name, s) -> builder.detail("lease." + name, s));
        builder.detail("node", leases.nodeId());
        builder.up().message("node " + leases.nodeId() + " holds " + state.values().stream().filter("held"::equals).count()
                + " of " + state.size() + " leases");
    }
}

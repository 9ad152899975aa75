package jp.tokyo.juki.observe;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness on the CS listener itself: DOWN while its route is not started, which is the case while the gateway warms
 * up at start (decision 34: every other part runs, the listener is bound last) and once a stop has begun. A load
 * balancer that checks {@code /observe/health/ready} then sends no CS to a node that could not take its updates.
 */
public final class CsListenerCheck extends GatewayCheck {
    private final Supplier<ServiceStatus> route;

    /** @param route the CS listener route's status now (null: no such route yet) */
    public CsListenerCheck(Supplier<ServiceStatus> route) {
        super("juki-cs-listener", true);
        this.route = route;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ServiceStatus status = route.get();
        String state = status == null ? "absent" : status.name().toLowerCase(Locale.ROOT);
        builder.detail("route", state);
        if (status != null && status.isStarted()) {
            builder.up();
        } else {
            builder.down().message("the CS listener is not open (" + state + "): the gateway is starting, "
                    + "warming up or stopping");
        }
    }
}

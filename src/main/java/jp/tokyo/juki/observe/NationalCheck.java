package jp.tokyo.juki.observe;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Whether a national server accepted the gateway's TLS connection at the last probe. DOWN in
 * the overall /observe/health, but not a readiness check: while it is away the gateway keeps
 * acknowledging updates, and their notices wait in order (outbox and queue backlog) until it
 * returns.
 */
final class NationalCheck extends GatewayCheck {
    private final ObserveSampler sampler;
    private final String server;

    NationalCheck(ObserveSampler sampler, String server) {
        super("juki-national-" + server, false);
        this.sampler = sampler;
        this.server = server;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ObserveSampler.Reach r = sampler.reach(server);
        if (r == null) {
            builder.unknown().message("not probed yet");
        } else if (r.reachable()) {
            builder.up().detail("probed-at", r.at().toString());
        } else {
            builder.down().message(r.why()).detail("probed-at", r.at().toString());
        }
    }
}

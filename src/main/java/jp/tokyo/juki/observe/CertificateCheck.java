package jp.tokyo.juki.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: the gateway's own certificates and the CA are valid. DOWN once one has expired (no
 * peer would accept the gateway, nor the gateway a peer); a warning from
 * {@code juki.observe.cert-warn-days} (30) before. Details give each one's days left.
 */
final class CertificateCheck extends GatewayCheck {
    private final List<GatewayHealth.Certificate> certificates;
    private final Duration warnAhead;
    private final Clock clock;

    CertificateCheck(List<GatewayHealth.Certificate> certificates, Duration warnAhead, Clock clock) {
        super("juki-certificates", true);
        this.certificates = List.copyOf(certificates);
        this.warnAhead = warnAhead;
        this.clock = clock;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Instant now = clock.instant();
        List<String> expired = new ArrayList<>();
        List<String> expiring = new ArrayList<>();
        for (GatewayHealth.Certificate n : certificates) {
            Instant notAfter = n.certificate().getNotAfter().toInstant();
            long days = Duration.between(now, notAfter).toDays();
            builder.detail(n.name() + ".days-left", days);
            if (!now.isBefore(notAfter) || now.isBefore(n.certificate().getNotBefore().toInstant())) {
                expired.add(n.name());
            } else if (Duration.between(now, notAfter).compareTo(warnAhead) <= 0) {
                expiring.add(n.name() + " in " + days + " days");
            }
        }
        if (!expired.isEmpty()) {
            builder.down().message("certificate not valid now: " + String.join(", ", expired));
        } else if (!expiring.isEmpty()) {
            warn(builder, "certificate expires: " + String.join(", ", expiring));
        } else {
            builder.up();
        }
    }
}

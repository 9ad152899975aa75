package jp.tokyo.juki.observe;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import jp.tokyo.juki.security.Pem;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The CA's revocation list: its age (hours since it was issued) and whether it is past its
 * nextUpdate. A stale CRL is a warning, not DOWN: the gateway keeps checking peers against
 * the last one it has, but revocations since are unknown to it until a fresh CRL is installed.
 */
final class CrlCheck extends GatewayCheck {
    private final Path file;
    private final Clock clock;

    CrlCheck(Path file, Clock clock) {
        super("juki-crl", false);
        this.file = file;
        this.clock = clock;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        X509CRL crl;
        try {
            crl = Pem.readCrl(file);
        } catch (Exception e) {
            warn(builder, "CRL not readable (" + e.getClass().getSimpleName() + "); the last one read stays in force");
            return;
        }
        Instant now = clock.instant();
        builder.detail("age-hours", Duration.between(crl.getThisUpdate().toInstant(), now).toHours());
        if (crl.getNextUpdate() == null) {
            builder.up();
            return;
        }
        Instant next = crl.getNextUpdate().toInstant();
        builder.detail("next-update-hours", Duration.between(now, next).toHours());
        if (now.isAfter(next)) {
            warn(builder, "CRL past its next update since " + next + "; install a fresh crl.pem");
        } else {
            builder.up();
        }
    }
}

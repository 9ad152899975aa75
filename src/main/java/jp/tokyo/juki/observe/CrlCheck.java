package jp.tokyo.juki.observe;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.security.Pem;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The CAs' revocation lists ({@code crl.pem}, one per CA): the oldest one's age (hours since it was issued) and whether it is past its
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
        List<X509CRL> crls;
        try {
            crls = Pem.readCrls(file);
        } catch (Exception e) {
            warn(builder, "CRL not readable (" + e.getClass().getSimpleName() + "); the last one read stays in force");
            return;
        }
        if (crls.isEmpty()) {
            warn(builder, "no CRL in " + file.getFileName() + "; the last one read stays in force");
            return;
        }
        // crl.pem holds one CRL per CA (several during a rollover): the oldest and the first past
        // its next update are what an operator must act on
        Instant now = clock.instant();
        X509CRL oldest = crls.get(0);
        X509CRL stale = null;
        Instant soonest = null;
        for (X509CRL crl : crls) {
            if (crl.getThisUpdate().before(oldest.getThisUpdate())) {
                oldest = crl;
            }
            if (crl.getNextUpdate() != null) {
                Instant next = crl.getNextUpdate().toInstant();
                if (soonest == null || next.isBefore(soonest)) {
                    soonest = next;
                }
                if (now.isAfter(next) && stale == null) {
                    stale = crl;
                }
            }
        }
        builder.detail("crls", crls.size());
        builder.detail("age-hours", Duration.between(oldest.getThisUpdate().toInstant(), now).toHours());
        if (soonest != null) {
            builder.detail("next-update-hours", Duration.between(now, soonest).toHours());
        }
        if (stale != null) {
            warn(builder, "CRL of " + stale.getIssuerX500Principal().getName() + " past its next update since "
                    + stale.getNextUpdate().toInstant() + "; install a fresh crl.pem");
        } else {
            builder.up();
        }
    }
}

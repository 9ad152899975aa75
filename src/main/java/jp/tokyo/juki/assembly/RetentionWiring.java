package jp.tokyo.juki.assembly;

import java.time.Clock;
import jp.tokyo.juki.api.RetentionApi;
import jp.tokyo.juki.audit.AuditSettings;
import jp.tokyo.juki.console.RetentionPages;
import jp.tokyo.juki.retention.OffsetClock;
import jp.tokyo.juki.retention.Retention;
import jp.tokyo.juki.retention.RetentionJob;
import jp.tokyo.juki.retention.RetentionSettings;
import jp.tokyo.juki.retention.RetentionTargets;
import jp.tokyo.juki.retention.RetentionTimer;
import org.apache.camel.Processor;

/**
 * Retention and erasure (R-RET): one {@link Retention} on its own database role
 * ({@value Retention#ROLE}) with its clock ({@code retentionClock}, the system's: only tests move
 * it), the timers' beans of routes/retention.camel.yaml ({@code retentionHistory},
 * {@code retentionAcceptedRequests}, {@code retentionProvisions}, {@code retentionAuditArchives}),
 * its API actions ({@code apiRetention*}, routes/operator-retention.camel.yaml) and console pages
 * ({@code consoleRetention*}, routes/console-retention.camel.yaml). Refuses to start on settings
 * R-RET does not allow.
 */
final class RetentionWiring {
    private RetentionWiring() {
    }

    static void wire(Assembly a) {
        RetentionSettings settings = RetentionSettings.from(a.config());
        OffsetClock clock = new OffsetClock(Clock.systemUTC());
        Retention retention = new Retention(a.database().forRole(Retention.ROLE), clock, settings,
                new RetentionTargets(AuditSettings.exportDir(a.config()), settings.batch(), settings.eraseWait()), a.hasher());
        a.bind("retentionClock", clock);
        a.bind("retention", retention);
        a.bind("retentionHistory", new RetentionTimer(retention, RetentionJob.HISTORY));
        a.bind("retentionAcceptedRequests", new RetentionTimer(retention, RetentionJob.ACCEPTED_REQUESTS));
        a.bind("retentionProvisions", new RetentionTimer(retention, RetentionJob.PROVISIONS));
        a.bind("retentionAuditArchives", new RetentionTimer(retention, RetentionJob.AUDIT_ARCHIVES));
        RetentionApi api = new RetentionApi(retention);
        a.bind("apiRetentionStatus", (Processor) api::status);
        a.bind("apiRetentionRun", (Processor) api::run);
        RetentionPages pages = new RetentionPages(retention);
        a.bind("consoleRetention", (Processor) pages::show);
        a.bind("consoleRetentionRun", (Processor) pages::run);
    }
}

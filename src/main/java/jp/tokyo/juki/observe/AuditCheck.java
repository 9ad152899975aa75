package jp.tokyo.juki.observe;

import java.util.Map;
import jp.tokyo.juki.audit.AuditLag;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness on the audit record (R-AUD-MSG): DOWN while the audit is further behind than
 * {@code juki.audit.max-lag-seconds} or its tap is full — the CS line then answers updates
 * E503, nothing applied — with the reason (lag, records waiting, the writer's SQLSTATE). Records
 * the store refused and set aside are a warning; the dead-letter check shows them too.
 */
public final class AuditCheck extends GatewayCheck {
    private final AuditLag lag;

    public AuditCheck(AuditLag lag) {
        super("juki-audit", true);
        this.lag = lag;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("lag-ms", lag.lag().toMillis());
        builder.detail("tap-pending", lag.tap().pending());
        builder.detail("written", lag.writer().written());
        builder.detail("set-aside", lag.writer().setAside());
        String behind = lag.behind();
        if (behind != null) {
            builder.down().message(behind);
        } else if (lag.writer().setAside() > 0) {
            warn(builder, lag.writer().setAside() + " audit record(s) refused by the store set aside in DLQ.juki.audit");
        } else {
            builder.up();
        }
    }
}

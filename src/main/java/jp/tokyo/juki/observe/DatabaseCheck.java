package jp.tokyo.juki.observe;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;

/** Readiness: the store answers a short query through the owner's pool. */
final class DatabaseCheck extends GatewayCheck {
    private final DataSource owner;
    private final ExecutorService executor;
    private final long timeoutMs;

    DatabaseCheck(DataSource owner, ExecutorService executor, long timeoutMs) {
        super("juki-database", true);
        this.owner = owner;
        this.executor = executor;
        this.timeoutMs = timeoutMs;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            within(executor, timeoutMs, () -> {
                try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
                    // the query timeout is the server's; a dead connection would leave the probe waiting for minutes
                    c.setNetworkTimeout(Runnable::run, (int) Math.max(1000, timeoutMs));
                    s.setQueryTimeout((int) Math.max(1, timeoutMs / 1000));
                    s.execute("SELECT 1");
                    return true;
                }
            });
            builder.up();
        } catch (Exception e) {
            builder.down().message("database unreachable (" + e.getClass().getSimpleName() + ")");
        }
    }
}

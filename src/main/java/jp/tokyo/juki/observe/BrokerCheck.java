package jp.tokyo.juki.observe;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.health.HealthCheckResultBuilder;

/** Readiness: the broker accepts a connection. */
final class BrokerCheck extends GatewayCheck {
    private final ConnectionFactory connectionFactory;
    private final ExecutorService executor;
    private final long timeoutMs;

    BrokerCheck(ConnectionFactory connectionFactory, ExecutorService executor, long timeoutMs) {
        super("juki-broker", true);
        this.connectionFactory = connectionFactory;
        this.executor = executor;
        this.timeoutMs = timeoutMs;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            within(executor, timeoutMs, () -> {
                try (Connection c = connectionFactory.createConnection()) {
                    c.start();
                    return true;
                }
            });
            builder.up();
        } catch (Exception e) {
            builder.down().message("broker unreachable (" + e.getClass().getSimpleName() + ")");
        }
    }
}

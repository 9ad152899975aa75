package jp.tokyo.juki.observe;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A health check of the gateway (group {@code juki}). None is a liveness check: a neighbour's
 * outage is not cured by restarting the gateway, which recovers by itself. Those marked
 * readiness take the gateway out of service (/observe/health/ready 503). A warning is UP with
 * the message {@code warning: …} and detail {@code warning} (shown with
 * {@code ?exposureLevel=full}); messages never carry personal data, nor quotes (Camel writes
 * them into its JSON as they are).
 */
abstract class GatewayCheck extends AbstractHealthCheck {
    private final boolean readiness;

    GatewayCheck(String id, boolean readiness) {
        super("juki", id);
        this.readiness = readiness;
    }

    @Override
    public boolean isReadiness() {
        return readiness;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    static void warn(HealthCheckResultBuilder builder, String text) {
        builder.up().message("warning: " + text).detail("warning", text);
    }

    /** Runs a probe with a time limit, so a neighbour that does not answer does not hold the check. */
    static <T> T within(ExecutorService executor, long millis, Callable<T> probe) throws Exception {
        Future<T> f = executor.submit(probe);
        try {
            return f.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TimeoutException("no answer within " + millis + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }
}

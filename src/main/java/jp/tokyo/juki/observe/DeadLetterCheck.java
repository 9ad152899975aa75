package jp.tokyo.juki.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Dead letters waiting for an operator ({@code ./gateway dlq}): a warning while any DLQ.* queue
 * holds messages; they never expire, so nothing is lost by waiting, but each is a notice the
 * national server has not taken.
 */
final class DeadLetterCheck extends GatewayCheck {
    private final ObserveSampler sampler;

    DeadLetterCheck(ObserveSampler sampler) {
        super("juki-dead-letters", false);
        this.sampler = sampler;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (sampler.queueFailure() != null) {
            builder.unknown().message("queue depths not readable (" + sampler.queueFailure() + ")");
            return;
        }
        List<String> waiting = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Long> e : sampler.queueDepths().entrySet()) {
            if (e.getKey().startsWith("DLQ.") && e.getValue() > 0) {
                waiting.add(e.getKey() + "=" + e.getValue());
                total += e.getValue();
            }
        }
        builder.detail("dead-letters", total);
        if (total > 0) {
            warn(builder, "dead letters waiting: " + String.join(", ", waiting));
        } else {
            builder.up();
        }
    }
}

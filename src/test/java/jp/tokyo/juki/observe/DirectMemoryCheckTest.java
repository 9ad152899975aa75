package jp.tokyo.juki.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The direct-memory readiness check against the JVM's real direct buffers: 32 MiB allocated
 * here are seen, and the check is a warning or not ready depending on the share of the limit.
 */
class DirectMemoryCheckTest {
    private static HealthCheck.Result call(long max, int warn, int down) throws Exception {
        DirectMemoryCheck check = new DirectMemoryCheck(DirectMemoryCheck::usedNow, max, warn, down);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            check.setCamelContext(camel);
            return check.call();
        }
    }

    @Test
    void directBuffersInUseAreSeenAndTakeTheGatewayOutOfServiceAboveTheLimit() throws Exception {
        ByteBuffer held = ByteBuffer.allocateDirect(32 << 20);
        long used = DirectMemoryCheck.usedNow();
        assertThat(used).isGreaterThanOrEqualTo(32L << 20);

        HealthCheck.Result fine = call(used * 4, 70, 90);
        HealthCheck.Result warning = call(used * 5 / 4, 70, 90);
        HealthCheck.Result down = call(used, 70, 90);

        assertThat(fine.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(fine.getMessage()).isEmpty();
        assertThat(warning.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(warning.getMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("warning: direct memory"));
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("about to be refused"));
        assertThat(new DirectMemoryCheck(70, 90).isReadiness()).isTrue();
        assertThat(held.capacity()).isPositive();
    }
}

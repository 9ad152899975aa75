package jp.tokyo.juki.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Health tells the truth about the heap (issue 15 finding 8): an OutOfMemoryError is a readiness failure, then a warning. */
class MemoryCheckTest {
    @Test
    void anOutOfMemoryErrorTakesTheGatewayOutOfReadinessWithItsReasonThenStaysAWarning() throws Exception {
        Instant now = Instant.now();
        MemoryCheck check = new MemoryCheck(Clock.fixed(now, ZoneOffset.UTC));
        check.setCamelContext(new DefaultCamelContext());
        long before = MemoryCheck.outOfMemoryCount();
        assertThat(check.isReadiness()).isTrue();

        MemoryCheck.outOfMemory("agency");
        HealthCheck.Result down = check.call(Map.of());

        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).get().asString().contains("OutOfMemoryError since start").contains("in agency");
        assertThat(down.getDetails()).containsEntry("out-of-memory-errors", before + 1);

        MemoryCheck later = new MemoryCheck(Clock.fixed(now.plus(MemoryCheck.RECENT).plus(Duration.ofMinutes(1)),
                ZoneOffset.UTC));
        later.setCamelContext(new DefaultCamelContext());
        HealthCheck.Result warning = later.call(Map.of());
        assertThat(warning.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(warning.getMessage()).get().asString().startsWith("warning: ").contains("OutOfMemoryError");
    }
}

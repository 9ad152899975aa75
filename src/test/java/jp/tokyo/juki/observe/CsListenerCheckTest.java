package jp.tokyo.juki.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The CS listener's readiness against a real Camel route left out of the auto-start, as the gateway does while it warms
 * up (decision 34): not ready before the route starts, ready while it runs, not ready once it is stopped.
 */
class CsListenerCheckTest {
    @Test
    void readyOnlyWhileTheListenerRouteRuns() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            CsListenerCheck check = new CsListenerCheck(
                    () -> camel.getRouteController().getRouteStatus("cs-listener"));
            check.setCamelContext(camel);
            HealthCheck.Result absent = check.call();
            assertThat(absent.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(absent.getDetails()).containsEntry("route", "absent");

            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:cs?period=60000").routeId("cs-listener").autoStartup(false).log("tick");
                }
            });
            camel.start();
            HealthCheck.Result warming = check.call();
            assertThat(warming.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(warming.getMessage()).hasValueSatisfying(
                    m -> assertThat(m).startsWith("the CS listener is not open (stopped)"));

            camel.getRouteController().startRoute("cs-listener");
            HealthCheck.Result open = check.call();
            assertThat(open.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(open.getDetails()).containsEntry("route", "started");
            assertThat(check.isReadiness()).isTrue();

            camel.getRouteController().stopRoute("cs-listener");
            assertThat(check.call().getState()).isEqualTo(HealthCheck.State.DOWN);
        }
    }
}

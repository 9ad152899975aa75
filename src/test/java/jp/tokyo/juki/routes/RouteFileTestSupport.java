package jp.tokyo.juki.routes;

import java.util.Map;
import jp.tokyo.juki.platform.GatewayConfig;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.BeforeEach;

/**
 * A Camel context with every route file of the gateway loaded as camel-main loads them
 * ({@link RouteFiles}), every bean they name bound as a stand-in ({@link StandIns}), one agency
 * route made from the {@code agency-requests} template as the gateway makes one per agency, and
 * the CS listener's netty endpoint replaced by {@code direct:cs} (AdviceWith) so that no port,
 * certificate, database or broker is needed. The leases the route files name ({@code master:…}) come
 * from {@link StandInLeases}, which holds every one. The context is started after the advice.
 */
abstract class RouteFileTestSupport extends CamelTestSupport {
    static final String CS = "direct:cs";
    static final String AGENCY = "A1";

    GatewayConfig config;
    StandIns beans;
    /** cs-listener's endpoint as the route file declares it, before the advice replaced it */
    String csListenerUri;

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withUseAdviceWith(true);
    }

    @BeforeEach
    void loadRouteFiles() throws Exception {
        config = RouteFiles.config();
        beans = StandIns.bindAll(context.getRegistry());
        context.addService(new StandInLeases());
        beforeStart();
        RouteFiles.load(context, config);
        context.addRouteFromTemplate("agency-" + AGENCY, "agency-requests", Map.of("agency", AGENCY));
        csListenerUri = context.getRouteDefinition("cs-listener").getInput().getEndpointUri();
        AdviceWith.adviceWith(context, "cs-listener", route -> route.replaceFromWith(CS));
        context.start();
    }

    /** What a test sets on its stand-ins before the routes start. */
    void beforeStart() {
    }
}

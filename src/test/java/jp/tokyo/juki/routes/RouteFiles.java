package jp.tokyo.juki.routes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.platform.GatewayConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.main.DefaultRoutesCollector;
import org.apache.camel.spi.Resource;

/**
 * The operators' route files, loaded the way the gateway's camel-main loads them: the
 * configuration file's {@code camel.main.routes-include-pattern} (default
 * {@code file:routes/*.camel.yaml}, as in {@code assembly.Gateway}) through camel-main's own routes
 * collector, with the configuration's values as Camel properties for the {@code {{placeholders}}}.
 * Paths are relative to the project directory, where Maven runs the tests.
 */
final class RouteFiles {
    static final Path CONFIG = Path.of("config/application.properties");
    /** the same default as {@code assembly.Gateway} */
    private static final String DEFAULT_PATTERN = "file:routes/*.camel.yaml";

    private RouteFiles() {
    }

    /** config/application.properties as the gateway reads it, without --set values. */
    static GatewayConfig config() throws IOException {
        return GatewayConfig.load(CONFIG, Map.of());
    }

    static String includePattern(GatewayConfig config) {
        return config.get("camel.main.routes-include-pattern", DEFAULT_PATTERN);
    }

    /** The route files the pattern finds, by name. */
    static List<String> names(CamelContext context, GatewayConfig config) throws Exception {
        Collection<Resource> found = new DefaultRoutesCollector().findRouteResourcesFromDirectory(context, null,
                includePattern(config));
        return found.stream().map(r -> Path.of(r.getLocation()).getFileName().toString()).sorted().toList();
    }

    /**
     * Adds every route and route template of the route files to {@code context} (not started);
     * the beans they name must be bound before the context starts.
     */
    static void load(CamelContext context, GatewayConfig config) throws Exception {
        context.getPropertiesComponent().setInitialProperties(config.asProperties());
        Collection<RoutesBuilder> builders = new DefaultRoutesCollector().collectRoutesFromDirectory(context, null,
                includePattern(config));
        // as camel-main's RoutesConfigurer: every file's route configurations first (a route of any file may name one)
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteConfigurationsBuilder configurations) {
                context.addRoutesConfigurations(configurations);
            }
        }
        for (RoutesBuilder builder : builders) {
            context.addRoutes(builder);
        }
    }
}

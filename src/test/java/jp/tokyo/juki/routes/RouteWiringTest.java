package jp.tokyo.juki.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import jp.tokyo.juki.cs.CsLineSettings;
import jp.tokyo.juki.cli.ConfigCommand;
import jp.tokyo.juki.operator.Permission;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.ChannelHandlerFactory;
import org.apache.camel.component.netty.NettyConfiguration;
import org.apache.camel.component.netty.NettyEndpoint;
import org.apache.camel.component.master.MasterEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.SetPropertyDefinition;
import org.apache.camel.spi.RestConfiguration;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;

/**
 * Each route file's wiring, as a route test of the YAML: the files of {@code routes/} load the
 * way camel-main loads them, every bean they name ({@code ref:} and {@code #name}) is one the
 * gateway binds ({@code cli.ConfigCommand.ROUTE_BEANS}) and of the kind the route needs (a
 * {@link Processor} for {@code process:}, the called method for {@code bean:}, a netty handler
 * for the CS endpoint), and the endpoints are the declared ones: the CS listener with mutual TLS
 * and its handlers in order, each timer with its configured period, each calling its bean. The
 * beans are stand-ins ({@link StandIns}); no database, broker or port is needed.
 */
class RouteWiringTest extends RouteFileTestSupport {

    /** route id: timer name, the configuration key of its period, and the call it makes */
    private record Timer(String name, String periodKey, String bean, String call) {
    }

    private static final Map<String, Timer> TIMERS = Map.ofEntries(
            Map.entry("honnin-outbox-relay", new Timer("honnin-outbox-relay", "juki.relay.period-ms", "honninOutboxRelay",
                    "drain()")),
            Map.entry("fuhyo-outbox-relay", new Timer("fuhyo-outbox-relay", "juki.relay.period-ms", "fuhyoOutboxRelay",
                    "drain()")),
            Map.entry("national-honnin-delivery", new Timer("national-honnin-delivery", "juki.national.period-ms",
                    "nationalHonninDelivery", null)),
            Map.entry("national-fuhyo-delivery", new Timer("national-fuhyo-delivery", "juki.national.period-ms",
                    "nationalFuhyoDelivery", null)),
            Map.entry("consistency-expiry", new Timer("consistency-expiry", "juki.consistency.sweep-ms", "consistencySessions",
                    "expireIdle()")),
            Map.entry("my-number-hold-purge", new Timer("my-number-hold-purge", "juki.link.purge-period-ms", "myNumberHold",
                    "purge()")),
            Map.entry("my-number-hold-report", new Timer("my-number-hold-report", "juki.link.report-period-ms", "myNumberHold",
                    "report()")),
            Map.entry("operator-sessions-sweep", new Timer("operator-sessions-sweep", "juki.operator.sweep-ms",
                    "operatorSessions", "sweep()")),
            Map.entry("statistics-rollup", new Timer("statistics-rollup", "juki.stats.rollup-ms", "statisticsRollup", "run()")),
            Map.entry("agency-" + AGENCY, new Timer("agency-" + AGENCY, "juki.agency.poll-ms", "agencyRequests",
                    "poll(" + AGENCY + ")")),
            Map.entry("retention-history", new Timer("retention-history", "juki.retention.check-period-ms",
                    "retentionHistory", "tick()")),
            Map.entry("retention-accepted-requests", new Timer("retention-accepted-requests", "juki.retention.check-period-ms",
                    "retentionAcceptedRequests", "tick()")),
            Map.entry("retention-provisions", new Timer("retention-provisions", "juki.retention.check-period-ms",
                    "retentionProvisions", "tick()")),
            Map.entry("retention-audit-archives", new Timer("retention-audit-archives", "juki.retention.check-period-ms",
                    "retentionAuditArchives", "tick()")));

    /** the timers that run on one node at a time, and their lease (docs/operations/leases.md) */
    private static final Map<String, String> LEASES = Map.of("agency-" + AGENCY, "agency-" + AGENCY,
            "my-number-hold-purge", "link-purge");

    /** the route files of routes/, in the order camel-main lists them */
    private static final List<String> ROUTE_FILES = List.of("agency-requests.camel.yaml", "consistency.camel.yaml",
            "console-approvals.camel.yaml", "console-disclosure.camel.yaml", "console-dlq.camel.yaml", "console-history.camel.yaml",
            "console-national.camel.yaml", "console-operators.camel.yaml", "console-retention.camel.yaml",
            "console-search.camel.yaml", "console-statistics.camel.yaml",
            "console-status.camel.yaml", "cs-listener.camel.yaml", "my-number-link.camel.yaml",
            "national-fuhyo.camel.yaml", "national-honnin.camel.yaml", "operator-api.camel.yaml", "operator-approvals.camel.yaml",
            "operator-audit.camel.yaml", "operator-console.camel.yaml", "operator-disclosure.camel.yaml", "operator-dlq.camel.yaml", "operator-link.camel.yaml",
            "operator-national.camel.yaml", "operator-register.camel.yaml",
            "operator-retention.camel.yaml",
            "operator-search.camel.yaml", "operator-statistics.camel.yaml",
            "operator-status.camel.yaml", "retention.camel.yaml",
            "statistics.camel.yaml");

    /** the operator port's routes that serve files and need no session: they run no gate */
    private static final Set<String> UNGATED = Set.of("console-css", "console-js");

    /** the operator port's routes that run the gate without a session: logging in, the lock screen, the language */
    private static final Set<String> NO_SESSION = Set.of("api-login", "console-login-form", "console-login", "console-lock",
            "console-lang");

    /** the defaults the route files give the keys config/application.properties may leave out */
    private static final Map<String, Long> PERIOD_DEFAULTS = Map.of("juki.operator.sweep-ms", 60_000L,
            "juki.link.purge-period-ms", 600_000L,
            "juki.link.report-period-ms", 60_000L, "juki.agency.poll-ms", 1000L, "juki.agency.sweep-ms", 60_000L,
            "juki.retention.check-period-ms", 60_000L);

    @Test
    void theRouteFilesLoadAsCamelMainFindsThem() throws Exception {
        assertThat(RouteFiles.names(context, config)).containsExactlyElementsOf(ROUTE_FILES);
        Set<String> ids = new TreeSet<>();
        context.getRoutes().forEach(r -> ids.add(r.getRouteId()));
        Set<String> expected = new TreeSet<>(TIMERS.keySet());
        expected.add("cs-listener");
        expected.addAll(operatorPortRoutes().keySet());
        assertThat(operatorPortRoutes()).as("the operator port's routes").isNotEmpty();
        assertThat(ids).isEqualTo(expected);
        assertThat(context.getRouteTemplateDefinitions()).extracting(RouteTemplateDefinition::getId)
                .containsExactly("agency-requests");
        context.getRoutes().forEach(r -> assertThat(context.getRouteController().getRouteStatus(r.getRouteId()).isStarted())
                .as(r.getRouteId()).isTrue());
    }

    @Test
    void everyBeanTheRouteFilesNameIsOneTheGatewayBindsAndEveryOneItBindsIsNamed() {
        assertThat(StandIns.KINDS.keySet()).as("the kinds this test knows vs the names the gateway binds")
                .isEqualTo(ConfigCommand.ROUTE_BEANS);
        Set<String> named = new TreeSet<>(processRefs().keySet());
        named.addAll(beanRefs().keySet());
        named.addAll(endpointRefs().keySet());
        assertThat(named).isEqualTo(new TreeSet<>(ConfigCommand.ROUTE_BEANS));
    }

    @Test
    void eachProcessStepIsAProcessorInTheGateway() {
        Map<String, String> refs = processRefs();
        assertThat(refs).containsKeys("csTicket", "csOpen", "honninUpdates", "fuhyoUpdates", "consistency", "csPing",
                "csFailure", "csAuditTap", "csReplyCounter", "csEncode", "csWrap", "csInOrder", "nationalHonninDelivery",
                "nationalFuhyoDelivery");
        refs.forEach((name, route) -> assertThat(Processor.class).as(name + " in " + route)
                .isAssignableFrom(StandIns.KINDS.get(name)));
    }

    @Test
    void eachBeanStepCallsAPublicMethodOfTheGatewaysClass() {
        Map<String, List<String>> refs = beanRefs();
        assertThat(refs).containsOnlyKeys("honninOutboxRelay", "fuhyoOutboxRelay", "consistencySessions", "myNumberHold",
                "operatorSessions",
                "statisticsRollup",
                "agencyRequests", "retentionHistory", "retentionAcceptedRequests", "retentionProvisions", "retentionAuditArchives");
        refs.forEach((name, methods) -> {
            Class<?> kind = StandIns.KINDS.get(name);
            for (String call : methods) {
                String method = call.contains("(") ? call.substring(0, call.indexOf('(')) : call;
                int args = call.contains("(") ? call.substring(call.indexOf('(') + 1, call.lastIndexOf(')')).split(",").length : 0;
                assertThat(Arrays.stream(kind.getMethods()).filter(m -> m.getName().equals(method)
                        && m.getParameterCount() == args && !Modifier.isStatic(m.getModifiers())).map(Method::getName))
                        .as(name + "." + call + " on " + kind.getSimpleName()).isNotEmpty();
            }
        });
    }

    @Test
    void theCsListenerIsNettyOverMutualTlsWithTheLinesHandlersInOrder() throws Exception {
        NettyEndpoint endpoint = context.getEndpoint(csListenerUri, NettyEndpoint.class);
        NettyConfiguration c = endpoint.getConfiguration();
        assertThat(c.getProtocol()).isEqualTo("tcp");
        assertThat(c.getHost()).isEqualTo(config.get("juki.cs.host", null));
        assertThat(c.getPort()).isEqualTo(config.get(CsLineSettings.PORT));
        assertThat(c.isSync()).as("one reply per request").isTrue();
        assertThat(c.isSsl()).isTrue();
        // CAMEL-25105: the endpoint flag overrides the SSLContextParameters' clientAuthentication
        assertThat(c.isNeedClientAuth()).as("needClientAuth").isTrue();
        assertThat(c.getSslContextParameters()).isSameAs(beans.bean("csTls", SSLContextParameters.class));
        assertThat(c.getDecodersAsList()).containsExactly(beans.bean("csFrameDecoder", ChannelHandler.class),
                beans.bean("csLineGuard", ChannelHandler.class), beans.bean("csConnections", ChannelHandler.class));
        assertThat(c.getEncodersAsList()).containsExactly(beans.bean("csFlushes", ChannelHandler.class),
                beans.bean("frameEncoder", ChannelHandler.class));
        assertThat(endpoint.getExceptionHandler()).isSameAs(beans.bean("csLineErrors", ExceptionHandler.class));
        assertThat(c.isReuseAddress()).isTrue();
        assertThat(c.isKeepAlive()).isTrue();
        // a handler with state per connection must come from a factory (one per channel), else be sharable
        for (String name : List.of("csFlushes", "frameEncoder", "csFrameDecoder", "csLineGuard", "csConnections")) {
            Class<?> kind = StandIns.KINDS.get(name);
            assertThat(ChannelHandlerFactory.class.isAssignableFrom(kind) || kind.isAnnotationPresent(ChannelHandler.Sharable.class))
                    .as(name + " (" + kind.getSimpleName() + ") is a ChannelHandlerFactory or @Sharable").isTrue();
        }
    }

    @Test
    void eachTimerHasItsConfiguredPeriodAndCallsItsBean() {
        for (Map.Entry<String, Timer> e : new TreeMap<>(TIMERS).entrySet()) {
            Timer t = e.getValue();
            Endpoint from = context.getRoute(e.getKey()).getEndpoint();
            // one node at a time (issue 14): these run only on the node holding their lease
            String lease = LEASES.get(e.getKey());
            if (lease != null) {
                assertThat(from).as(e.getKey() + " on a lease").isInstanceOf(MasterEndpoint.class);
                assertThat(((MasterEndpoint) from).getNamespace()).as(e.getKey() + " lease").isEqualTo(lease);
                from = ((MasterEndpoint) from).getEndpoint();
            } else {
                assertThat(from).as(e.getKey() + " runs on every node").isNotInstanceOf(MasterEndpoint.class);
            }
            TimerEndpoint endpoint = (TimerEndpoint) from;
            assertThat(endpoint.getTimerName()).as(e.getKey()).isEqualTo(t.name());
            String configured = config.get(t.periodKey(), null);
            long period = configured == null ? PERIOD_DEFAULTS.get(t.periodKey()) : Long.parseLong(configured);
            assertThat(endpoint.getPeriod()).as(e.getKey() + " period (" + t.periodKey() + ")").isEqualTo(period);
            assertThat(endpoint.isFixedRate()).as(e.getKey() + " fixedRate").isFalse();
        }
        // each timer fires once a second after the start (Camel's default delay), then by its period
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Timer t : TIMERS.values()) {
                if (t.call() == null) {
                    assertThat(beans.recorder(t.bean()).calls()).as(t.bean()).isPositive();
                } else {
                    assertThat(beans.bean(t.bean(), StandIns.Calls.class).calls()).as(t.bean()).contains(t.call());
                }
            }
        });
    }

    @Test
    void everyRouteOfTheOperatorPortStartsWithTheGateAndNamesARealPermission() {
        Set<String> permissions = new TreeSet<>();
        for (Permission p : Permission.values()) {
            permissions.add(p.name());
        }
        operatorPortRoutes().forEach((id, r) -> {
            List<String> steps = new ArrayList<>();
            boolean onException = false;
            String permission = null;
            for (ProcessorDefinition<?> out : r.getOutputs()) {
                if (out instanceof OnExceptionDefinition) {
                    onException = true;
                } else if (out instanceof SetPropertyDefinition set) {
                    String value = set.getExpression().getExpression();
                    if (set.getName().equals("jukiPermission")) {
                        assertThat(permissions).as(id + ": jukiPermission " + value).contains(value);
                        permission = value;
                    } else {
                        assertThat(set.getName()).as(id).isEqualTo("jukiAuth");
                        assertThat(value).as(id + ": jukiAuth").isEqualTo("cookie");
                    }
                } else if (out instanceof ProcessDefinition proc) {
                    steps.add(proc.getRef());
                } else {
                    steps.add(out.getShortName());
                }
            }
            assertThat(onException).as(id + ": the operator port's failure answer (apiFailure)").isTrue();
            if (UNGATED.contains(id)) {
                assertThat(steps).as(id).doesNotContain("apiGate").hasSize(1);
            } else {
                assertThat(steps).as(id + ": the gate first, then one action").hasSize(2).first().isEqualTo("apiGate");
                assertThat(permission != null || NO_SESSION.contains(id)).as(id + ": names the permission it needs").isTrue();
            }
        });
        assertThat(context.getRestDefinitions()).isNotEmpty().allSatisfy(rest -> {
            if ("/api".equals(rest.getPath())) {
                assertThat(rest.getVerbs()).as("the API takes no personal data in URLs: every verb is a POST")
                        .allSatisfy(v -> assertThat(v.asVerb()).isEqualTo("post"));
            }
        });
    }

    @Test
    void theOperatorPortIsNettyHttpOverMutualTls13WithOurHeaderFilter() {
        RestConfiguration rest = context.getRestConfiguration();
        assertThat(rest.getComponent()).isEqualTo("netty-http");
        assertThat(rest.getScheme()).isEqualTo("https");
        assertThat(String.valueOf(rest.getPort())).isEqualTo(config.get("juki.operator.port", null));
        Map<String, Object> p = rest.getEndpointProperties();
        assertThat(p).containsEntry("ssl", "true").containsEntry("needClientAuth", "true")
                .containsEntry("sslContextParameters", "#operatorTls").containsEntry("headerFilterStrategy", "#apiHeaders")
                .containsEntry("muteException", "true");
    }

    // ------------------------------------------------------------------ the route model

    /** the routes of the operator port (route configuration {@code operator-port}) by id */
    private Map<String, RouteDefinition> operatorPortRoutes() {
        Map<String, RouteDefinition> routes = new TreeMap<>();
        for (RouteDefinition r : context.getRouteDefinitions()) {
            if ("operator-port".equals(r.getRouteConfigurationId())) {
                routes.put(r.getRouteId(), r);
            }
        }
        return routes;
    }

    private List<ProcessorDefinition<?>> allOutputs() {
        List<ProcessorDefinition<?>> outputs = new ArrayList<>();
        for (RouteDefinition r : context.getRouteDefinitions()) {
            outputs.addAll(r.getOutputs());
        }
        for (RouteTemplateDefinition t : context.getRouteTemplateDefinitions()) {
            outputs.addAll(t.getRoute().getOutputs());
        }
        return outputs;
    }

    /** {@code process: ref:} name, and a route it is in */
    private Map<String, String> processRefs() {
        Map<String, String> refs = new TreeMap<>();
        for (RouteDefinition r : context.getRouteDefinitions()) {
            for (ProcessDefinition p : ProcessorDefinitionHelper.filterTypeInOutputs(r.getOutputs(), ProcessDefinition.class)) {
                refs.put(p.getRef(), r.getRouteId());
            }
        }
        return refs;
    }

    /** {@code bean: ref:} name and the methods called on it */
    private Map<String, List<String>> beanRefs() {
        Map<String, List<String>> refs = new TreeMap<>();
        for (BeanDefinition b : ProcessorDefinitionHelper.filterTypeInOutputs(allOutputs(), BeanDefinition.class)) {
            refs.computeIfAbsent(b.getRef(), k -> new ArrayList<>()).add(b.getMethod());
        }
        return refs;
    }

    /** {@code #name} in the endpoints' parameters (the CS listener's as declared, before the advice) */
    private Map<String, String> endpointRefs() {
        Map<String, String> refs = new TreeMap<>();
        List<String> uris = new ArrayList<>();
        uris.add(csListenerUri);
        for (RouteDefinition r : context.getRouteDefinitions()) {
            uris.add(r.getInput().getEndpointUri());
        }
        context.getRestConfiguration().getEndpointProperties().forEach((key, value) -> {
            if (String.valueOf(value).startsWith("#")) {
                refs.put(String.valueOf(value).substring(1), key);
            }
        });
        for (String uri : uris) {
            if (!uri.contains("?")) {
                continue;
            }
            try {
                URISupport.parseQuery(uri.substring(uri.indexOf('?') + 1)).forEach((key, value) -> {
                    for (String ref : String.valueOf(value).split(",")) {
                        String name = ref.strip();
                        if (name.startsWith("#") && !name.startsWith("#class:") && !name.startsWith("#type:")) {
                            refs.put(name.startsWith("#bean:") ? name.substring(6) : name.substring(1), key);
                        }
                    }
                });
            } catch (URISyntaxException e) {
                throw new AssertionError(uri, e);
            }
        }
        return refs;
    }
}

package jp.tokyo.juki.routes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import jp.tokyo.juki.agency.AgencyRequests;
import jp.tokyo.juki.api.ApiHeaders;
import jp.tokyo.juki.consistency.ConsistencyRequests;
import jp.tokyo.juki.consistency.Sessions;
import jp.tokyo.juki.cs.CamelFrameDecoderFactory;
import jp.tokyo.juki.cs.ReplyOrder;
import jp.tokyo.juki.cs.UpdateRequests;
import jp.tokyo.juki.link.HoldWatch;
import jp.tokyo.juki.national.OutboxRelay;
import jp.tokyo.juki.observe.CsConnections;
import jp.tokyo.juki.observe.CsLineErrors;
import jp.tokyo.juki.observe.CsReplyCounter;
import jp.tokyo.juki.observe.GatewayMetrics;
import jp.tokyo.juki.platform.ExchangeKeys;
import jp.tokyo.juki.retention.RetentionTimer;
import jp.tokyo.juki.stats.Rollup;
import jp.tokyo.juki.wire.DecodeBudget;
import jp.tokyo.juki.wire.FlushBatching;
import jp.tokyo.juki.wire.FrameDecoder;
import jp.tokyo.juki.wire.FrameEncoder;
import jp.tokyo.juki.wire.LineEvents;
import jp.tokyo.juki.wire.LineGuard;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The beans the route files name, as stand-ins: what the gateway binds under each name
 * ({@link #KINDS}: exactly the names of {@code cli.ConfigCommand.ROUTE_BEANS}), and for a route test one bean
 * per name that Camel accepts where the real one goes. A name the gateway binds as a
 * {@link Processor} gets a {@link Recorder} that notes its step in the exchange's trace; the CS
 * line's netty handlers are the real classes (they open nothing until a connection comes) and
 * the TLS parameters an empty {@link SSLContextParameters}; a bean a timer calls by method
 * ({@code bean: ref/method}) gets a {@link Calls} that has the methods the route files call and
 * notes each call (the wiring test checks the real class has them too).
 */
final class StandIns {
    /** Every bean a route file may name, and the type the gateway binds under that name. */
    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            // cs-listener's endpoint: TLS, framing, the line's bounds
            Map.entry("csTls", SSLContextParameters.class),
            Map.entry("frameEncoder", FrameEncoder.class),
            Map.entry("csFlushes", FlushBatching.class),
            Map.entry("csFrameDecoder", CamelFrameDecoderFactory.class),
            Map.entry("csLineGuard", LineGuard.Factory.class),
            Map.entry("csConnections", CsConnections.class),
            Map.entry("csLineErrors", CsLineErrors.class),
            // cs-listener's steps (the gateway binds lambdas for the plain Processors)
            Map.entry("csTicket", Processor.class),
            Map.entry("csOpen", Processor.class),
            Map.entry("honninUpdates", UpdateRequests.class),
            Map.entry("fuhyoUpdates", UpdateRequests.class),
            Map.entry("consistency", ConsistencyRequests.class),
            Map.entry("csPing", Processor.class),
            Map.entry("csFailure", Processor.class),
            Map.entry("csAuditTap", Processor.class),
            Map.entry("csReplyCounter", CsReplyCounter.class),
            Map.entry("csEncode", Processor.class),
            Map.entry("csWrap", Processor.class),
            Map.entry("csInOrder", ReplyOrder.class),
            // the timers' beans
            Map.entry("honninOutboxRelay", OutboxRelay.class),
            Map.entry("fuhyoOutboxRelay", OutboxRelay.class),
            Map.entry("nationalHonninDelivery", Processor.class),
            Map.entry("nationalFuhyoDelivery", Processor.class),
            Map.entry("consistencySessions", Sessions.class),
            Map.entry("myNumberHold", HoldWatch.class),
            Map.entry("agencyRequests", AgencyRequests.class),
            Map.entry("statisticsRollup", Rollup.class),
            // the operator port: its endpoint and the steps of the API's and the console's routes
            Map.entry("operatorTls", SSLContextParameters.class),
            Map.entry("operatorSessions", jp.tokyo.juki.operator.Sessions.class),
            Map.entry("apiHeaders", ApiHeaders.class),
            Map.entry("apiGate", Processor.class),
            Map.entry("apiFailure", Processor.class),
            Map.entry("apiLogin", Processor.class),
            Map.entry("apiLogout", Processor.class),
            Map.entry("apiWhoami", Processor.class),
            Map.entry("consoleLoginForm", Processor.class),
            Map.entry("consoleLock", Processor.class),
            Map.entry("consoleLanguage", Processor.class),
            // the manager's, searcher's and maintainer's desks (approvals, national query, link status, status)
            Map.entry("apiApprovalsList", Processor.class), Map.entry("apiApprovalsApprove", Processor.class),
            Map.entry("apiApprovalsReject", Processor.class), Map.entry("consoleApprovals", Processor.class),
            Map.entry("consoleApprovalsApprove", Processor.class), Map.entry("consoleApprovalsReject", Processor.class),
            Map.entry("apiNationalQuery", Processor.class), Map.entry("consoleNationalForm", Processor.class),
            Map.entry("consoleNationalQuery", Processor.class), Map.entry("apiLinkStatus", Processor.class),
            Map.entry("apiStatus", Processor.class), Map.entry("consoleStatus", Processor.class),
            Map.entry("consoleResource", Processor.class),
            Map.entry("apiSearchPersons", Processor.class), Map.entry("apiSearchReport", Processor.class), Map.entry("consoleSearchForm", Processor.class), Map.entry("consoleSearch", Processor.class), Map.entry("consoleSearchReportForm", Processor.class), Map.entry("consoleSearchReport", Processor.class),
            Map.entry("consoleHome", Processor.class),
            Map.entry("consoleLogin", Processor.class),
            Map.entry("consoleLogout", Processor.class),
            // the operator register: routes/operator-register.camel.yaml and console-operators.camel.yaml
            Map.entry("apiOperatorsList", Processor.class),
            Map.entry("apiOperatorsReviewReport", Processor.class),
            Map.entry("apiOperatorsIssue", Processor.class),
            Map.entry("apiOperatorsGrant", Processor.class),
            Map.entry("apiOperatorsWithdraw", Processor.class),
            Map.entry("apiOperatorsTerminals", Processor.class),
            Map.entry("apiOperatorsResetPassword", Processor.class),
            Map.entry("apiOperatorsUnlock", Processor.class),
            Map.entry("apiOperatorsReview", Processor.class),
            Map.entry("apiOperatorsRevoke", Processor.class),
            Map.entry("apiSessionPassword", Processor.class),
            Map.entry("consoleOperators", Processor.class),
            Map.entry("consoleOperatorsReport", Processor.class),
            Map.entry("consoleOperatorsIssue", Processor.class),
            Map.entry("consoleOperatorsGrant", Processor.class),
            Map.entry("consoleOperatorsWithdraw", Processor.class),
            Map.entry("consoleOperatorsTerminals", Processor.class),
            Map.entry("consoleOperatorsResetPassword", Processor.class),
            Map.entry("consoleOperatorsUnlock", Processor.class),
            Map.entry("consoleOperatorsReview", Processor.class),
            Map.entry("consoleOperatorsRevoke", Processor.class),
            Map.entry("consolePasswordForm", Processor.class),
            Map.entry("consolePassword", Processor.class),
            // dead letters and the audit: routes/operator-dlq, operator-audit, console-dlq and console-history.camel.yaml
            Map.entry("apiDlqList", Processor.class),
            Map.entry("apiDlqShow", Processor.class),
            Map.entry("apiDlqReveal", Processor.class),
            Map.entry("apiDlqReplay", Processor.class),
            Map.entry("apiDlqDiscard", Processor.class),
            Map.entry("consoleDlqList", Processor.class),
            Map.entry("consoleDlqShow", Processor.class),
            Map.entry("consoleDlqReveal", Processor.class),
            Map.entry("consoleDlqReplay", Processor.class),
            Map.entry("consoleDlqDiscard", Processor.class),
            Map.entry("apiDisclosuresRegister", Processor.class),
            Map.entry("apiDisclosuresCheck", Processor.class),
            Map.entry("apiDisclosuresList", Processor.class),
            Map.entry("apiDisclosuresForm", Processor.class),
            Map.entry("apiFormsList", Processor.class),
            Map.entry("apiFormsHandedOver", Processor.class),
            Map.entry("apiFormsDestroyed", Processor.class),
            Map.entry("apiCorrectionsRegister", Processor.class),
            Map.entry("apiCorrectionsList", Processor.class),
            Map.entry("apiCorrectionsDecide", Processor.class),
            Map.entry("consoleDisclosures", Processor.class),
            Map.entry("consoleDisclosuresRegister", Processor.class),
            Map.entry("consoleDisclosuresCheck", Processor.class),
            Map.entry("consoleDisclosuresForm", Processor.class),
            Map.entry("consoleForms", Processor.class),
            Map.entry("consoleFormsHandedOver", Processor.class),
            Map.entry("consoleFormsDestroyed", Processor.class),
            Map.entry("consoleCorrections", Processor.class),
            Map.entry("consoleCorrectionsRegister", Processor.class),
            Map.entry("consoleCorrectionsDecide", Processor.class),
            Map.entry("apiAuditPerson", Processor.class),
            Map.entry("apiAuditVerify", Processor.class),
            Map.entry("apiAuditExport", Processor.class),
            Map.entry("apiAuditTrim", Processor.class),
            Map.entry("consoleHistoryForm", Processor.class),
            Map.entry("consoleHistory", Processor.class),
            Map.entry("retentionHistory", RetentionTimer.class), Map.entry("retentionAcceptedRequests", RetentionTimer.class),
            Map.entry("retentionProvisions", RetentionTimer.class), Map.entry("retentionAuditArchives", RetentionTimer.class),
            Map.entry("apiRetentionStatus", Processor.class), Map.entry("apiRetentionRun", Processor.class),
            Map.entry("consoleRetention", Processor.class), Map.entry("consoleRetentionRun", Processor.class),
            Map.entry("apiStatisticsReport", Processor.class), Map.entry("consoleStatisticsForm", Processor.class),
            Map.entry("consoleStatistics", Processor.class), Map.entry("consoleStatisticsChart", Processor.class),
            Map.entry("consoleStatisticsCsv", Processor.class));

    /** The exchange property a {@link Recorder} notes its step in. */
    static final String TRACE = "routeTestTrace";

    private static final LineEvents NO_EVENTS = (channel, code, reason) -> { };

    private final Map<String, Object> beans = new HashMap<>();

    private StandIns() {
    }

    /** One stand-in per name of {@link #KINDS}, bound in {@code registry}. */
    static StandIns bindAll(Registry registry) {
        StandIns s = new StandIns();
        KINDS.forEach((name, kind) -> {
            Object bean;
            if (Processor.class.isAssignableFrom(kind)) {
                bean = new Recorder(name);
            } else if (kind == SSLContextParameters.class) {
                bean = new SSLContextParameters();
            } else if (kind == FrameEncoder.class) {
                bean = new FrameEncoder();
            } else if (kind == CamelFrameDecoderFactory.class) {
                bean = new CamelFrameDecoderFactory(new FrameDecoder.Limits(FrameDecoder.DEFAULT_MAX, Duration.ofSeconds(10),
                        new DecodeBudget(64 << 20), NO_EVENTS));
            } else if (kind == FlushBatching.class) {
                bean = new FlushBatching();
            } else if (kind == LineGuard.Factory.class) {
                bean = new LineGuard.Factory(new LineGuard.Settings(Duration.ofSeconds(120), 256, 4 << 20, 1 << 20, NO_EVENTS));
            } else if (kind == CsConnections.class) {
                bean = new CsConnections(new GatewayMetrics());
            } else if (kind == ApiHeaders.class) {
                bean = new ApiHeaders();
            } else if (kind == CsLineErrors.class) {
                bean = new CsLineErrors(Duration.ofSeconds(10));
            } else {
                bean = new Calls();
            }
            s.beans.put(name, bean);
            registry.bind(name, bean);
        });
        return s;
    }

    Recorder recorder(String name) {
        return (Recorder) beans.get(name);
    }

    <T> T bean(String name, Class<T> type) {
        return type.cast(beans.get(name));
    }

    /** The steps that ran on this exchange, in order. */
    @SuppressWarnings("unchecked")
    static List<String> trace(Exchange exchange) {
        List<String> trace = exchange.getProperty(TRACE, List.class);
        return trace == null ? List.of() : trace;
    }

    /** A route step that notes its name in the exchange's trace, then does what the test asks of it. */
    static final class Recorder implements Processor {
        private final String name;
        private final AtomicInteger calls = new AtomicInteger();
        private volatile Consumer<Exchange> action = exchange -> { };

        Recorder(String name) {
            this.name = name;
        }

        /** What the step does after noting itself (e.g. set the message type, or throw). */
        void then(Consumer<Exchange> action) {
            this.action = action;
        }

        int calls() {
            return calls.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void process(Exchange exchange) {
            calls.incrementAndGet();
            List<String> trace = exchange.getProperty(TRACE, List.class);
            if (trace == null) {
                trace = new ArrayList<>();
                exchange.setProperty(TRACE, trace);
            }
            trace.add(name);
            action.accept(exchange);
        }
    }

    /**
     * A timer's bean: the methods the route files call on {@code honninOutboxRelay},
     * {@code fuhyoOutboxRelay} ({@code drain}), {@code consistencySessions} ({@code expireIdle}),
     * {@code myNumberHold} ({@code purge}, {@code report}) and {@code agencyRequests}
     * ({@code poll(agency)}), each noting the call.
     */
    public static final class Calls {
        private final List<String> calls = new CopyOnWriteArrayList<>();

        /** The calls so far, e.g. {@code drain()} or {@code poll(A1)}. */
        List<String> calls() {
            return List.copyOf(calls);
        }

        public int drain() {
            calls.add("drain()");
            return 0;
        }

        public int expireIdle() {
            calls.add("expireIdle()");
            return 0;
        }

        public void purge() {
            calls.add("purge()");
        }

        public void report() {
            calls.add("report()");
        }

        public void poll(String agency) {
            calls.add("poll(" + agency + ")");
        }

        public int sweep() {
            calls.add("sweep()");
            return 0;
        }

        public void run() {
            calls.add("run()");
        }

        public void tick() {
            calls.add("tick()");
        }
    }

    /** csOpen's stand-in: the body names the message type the real csOpen would have read (or REFUSED). */
    static void typeFromBody(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.TYPE, exchange.getIn().getBody(String.class));
    }
}

package jp.tokyo.juki.assembly;

import java.time.Duration;
import javax.sql.DataSource;
import jp.tokyo.juki.api.ApiAudit;
import jp.tokyo.juki.api.ApiGate;
import jp.tokyo.juki.api.ApiHeaders;
import jp.tokyo.juki.api.ApiReply;
import jp.tokyo.juki.api.SessionApi;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.console.Console;
import jp.tokyo.juki.console.ConsolePages;
import jp.tokyo.juki.operator.Logins;
import jp.tokyo.juki.operator.Operators;
import jp.tokyo.juki.operator.Sessions;
import jp.tokyo.juki.security.CamelTls;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.PeerTrustManager;
import org.apache.camel.Processor;

/**
 * The operator port's beans for routes/operator-api.camel.yaml: its TLS (the gateway's
 * certificate; an operator's {@code op-<ID>} certificate required, refused handshakes audited),
 * the header filter ({@code #apiHeaders}), the gate every route starts with ({@code apiGate}),
 * the sessions whose expired ones a timer ends ({@code operatorSessions}), the failure answer ({@code apiFailure}), the session actions ({@code apiLogin},
 * {@code apiLogout}, {@code apiWhoami}) and the console's own pages ({@code console*}, for
 * routes/operator-console.camel.yaml).
 */
final class OperatorApiWiring {
    private OperatorApiWiring() {
    }

    /** @param db where the operator port's audit records are written (before each action) */
    static ApiGate wire(Assembly a, DataSource db, Operators operators, Duration idle) {
        Logins logins = operators.logins();
        Sessions sessions = operators.sessions();
        a.bind("operatorSessions", sessions);
        PeerTrustManager trust = a.keys().trustManager(Identities.operatorLine(), "operator",
                (peer, why) -> a.audit().recordWithoutWaiting(AuditEvent.in(AuditLine.OPERATOR, peer, GatewayEvent.TLS_HANDSHAKE)
                        .status(AuditStatus.REFUSED).code("TLS").detail(why)));
        a.bind("operatorTls", CamelTls.server(a.keys(), Identities.GATEWAY, trust));
        a.bind("apiHeaders", new ApiHeaders());
        ApiGate gate = new ApiGate(trust::stillTrusted, sessions, new ApiAudit(db),
                (e, status, code, reason) -> new Console(e).refused(status, code, reason, "/console/"));
        a.bind("apiGate", gate);
        a.bind("apiFailure", (Processor) ApiReply::failed);
        SessionApi session = new SessionApi(logins, sessions);
        a.bind("apiLogin", (Processor) session::login);
        a.bind("apiLogout", (Processor) session::logout);
        a.bind("apiWhoami", (Processor) session::whoami);
        ConsolePages pages = new ConsolePages(logins, sessions, idle);
        a.bind("consoleLoginForm", (Processor) pages::loginForm);
        a.bind("consoleLock", (Processor) pages::lock);
        a.bind("consoleLanguage", (Processor) pages::language);
        a.bind("consoleResource", (Processor) pages::resource);
        a.bind("consoleHome", (Processor) pages::home);
        a.bind("consoleLogin", (Processor) pages::login);
        a.bind("consoleLogout", (Processor) pages::logout);
        a.bind(Console.IDLE, idle);
        DeskApiWiring.wire(a, db);
        RegisterApiWiring.wire(a, operators);
        DeadLetterApiWiring.wire(a);
        AuditApiWiring.wire(a);
        DisclosureApiWiring.wire(a);
        SearchApiWiring.wire(a);
        StatisticsApiWiring.wire(a);
        RetentionWiring.wire(a);
        return gate;
    }
}

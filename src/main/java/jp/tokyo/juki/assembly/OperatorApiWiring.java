package jp.tokyo.juki.assembly;

import javax.sql.DataSource;
import jp.tokyo.juki.api.ApiAudit;
import jp.tokyo.juki.api.ApiCaller;
import jp.tokyo.juki.api.ApiGate;
import jp.tokyo.juki.api.ApiHeaders;
import jp.tokyo.juki.api.ApiReply;
import jp.tokyo.juki.api.SessionApi;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.operator.Logins;
import jp.tokyo.juki.operator.Sessions;
import jp.tokyo.juki.security.CamelTls;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.PeerTrustManager;
import org.apache.camel.Processor;

/**
 * The operator port's beans for routes/operator-api.camel.yaml: its TLS (the gateway's
 * certificate; an operator's {@code op-<ID>} certificate required, refused handshakes audited),
 * the header filter ({@code #apiHeaders}), the gate every route starts with ({@code apiGate}),
 * the failure answer ({@code apiFailure}) and the session actions ({@code apiLogin},
 * {@code apiLogout}, {@code apiWhoami}).
 */
final class OperatorApiWiring {
    private OperatorApiWiring() {
    }

    /** @param db where the operator port's audit records are written (before each action) */
    static ApiGate wire(Assembly a, DataSource db, Logins logins, Sessions sessions) {
        PeerTrustManager trust = a.keys().trustManager(cn -> cn.startsWith(ApiCaller.PREFIX), "operator",
                (peer, why) -> a.audit().recordWithoutWaiting(AuditEvent.in(AuditLine.OPERATOR, peer, GatewayEvent.TLS_HANDSHAKE)
                        .status(AuditStatus.REFUSED).code("TLS").detail(why)));
        a.bind("operatorTls", CamelTls.server(a.keys(), Identities.GATEWAY, trust));
        a.bind("apiHeaders", new ApiHeaders());
        ApiGate gate = new ApiGate(trust::stillTrusted, sessions, new ApiAudit(db));
        a.bind("apiGate", gate);
        a.bind("apiFailure", (Processor) ApiReply::failed);
        SessionApi session = new SessionApi(logins, sessions);
        a.bind("apiLogin", (Processor) session::login);
        a.bind("apiLogout", (Processor) session::logout);
        a.bind("apiWhoami", (Processor) session::whoami);
        return gate;
    }
}

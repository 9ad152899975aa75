package jp.tokyo.juki.observe;

import jp.tokyo.juki.platform.ExchangeKeys;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.wire.Reply;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The CS route's metrics step ({@code #csReplyCounter}): counts one answered request by the
 * municipality of its certificate, its message type, and the reply's status and code.
 */
public final class CsReplyCounter implements Processor {
    private final GatewayMetrics metrics;

    public CsReplyCounter(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        String type = exchange.getProperty(ExchangeKeys.TYPE, String.class);
        Reply reply = exchange.getIn().getBody(Reply.class);
        metrics.csReply(Identities.municipalityOf(exchange.getProperty(ExchangeKeys.PEER, String.class)), type,
                reply == null ? "none" : reply.status().name(), reply == null ? "none" : reply.code().name());
    }
}

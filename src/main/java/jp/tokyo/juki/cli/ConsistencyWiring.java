package jp.tokyo.juki.cli;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class ConsistencyWiring {
    private ConsistencyWiring() {
    }

    static void wire(Assembly a) {
        // until the consistency check is built: answered, never silently dropped
        a.bind("consistency", (org.apache.camel.Processor) exchange -> {
            jp.tokyo.juki.wire.Request r = exchange.getProperty(jp.tokyo.juki.platform.ExchangeKeys.REQUEST,
                    jp.tokyo.juki.wire.Request.class);
            exchange.getIn().setBody(jp.tokyo.juki.wire.Reply.nack(r.id(), jp.tokyo.juki.wire.ReplyCode.E503,
                    "consistency check not available"));
        });
    }
}

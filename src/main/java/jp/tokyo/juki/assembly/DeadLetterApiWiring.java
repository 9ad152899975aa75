package jp.tokyo.juki.assembly;

import jp.tokyo.juki.api.DeadLettersApi;
import jp.tokyo.juki.console.DeadLetterPages;
import jp.tokyo.juki.deadletter.DeadLetterDesk;
import jp.tokyo.juki.deadletter.DeadLetters;
import org.apache.camel.Processor;

/**
 * The dead letters' beans on the operator port: one {@link DeadLetterDesk} on the gateway's own
 * broker and database, its API actions ({@code apiDlq*}, routes/operator-dlq.camel.yaml) and its
 * console pages ({@code consoleDlq*}, routes/console-dlq.camel.yaml).
 */
final class DeadLetterApiWiring {
    private DeadLetterApiWiring() {
    }

    static void wire(Assembly a) {
        DeadLetterDesk desk = new DeadLetterDesk(new DeadLetters(a.broker().connectionFactory()), a.database().dataSource(),
                a.hasher());
        DeadLettersApi api = new DeadLettersApi(desk);
        a.bind("apiDlqList", (Processor) api::list);
        a.bind("apiDlqShow", (Processor) api::show);
        a.bind("apiDlqReveal", (Processor) api::reveal);
        a.bind("apiDlqReplay", (Processor) api::replay);
        a.bind("apiDlqDiscard", (Processor) api::discard);
        DeadLetterPages pages = new DeadLetterPages(desk);
        a.bind("consoleDlqList", (Processor) pages::list);
        a.bind("consoleDlqShow", (Processor) pages::show);
        a.bind("consoleDlqReveal", (Processor) pages::reveal);
        a.bind("consoleDlqReplay", (Processor) pages::replay);
        a.bind("consoleDlqDiscard", (Processor) pages::discard);
    }
}

package jp.tokyo.juki.honnin;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import jp.tokyo.juki.cs.Refusals;
import jp.tokyo.juki.platform.ExchangeKeys;
import jp.tokyo.juki.platform.GroupCommit;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The {@code HONNIN_UPDATE} step of the CS route: checks the body's items, hands the update to
 * the group commit and continues the route once its transaction has committed (or refused it).
 * Asynchronous: the connection's next request is read meanwhile, and {@code ReplyOrder} keeps
 * the replies in request order.
 */
public final class HonninUpdates extends AsyncProcessorSupport implements AsyncProcessor {
    private final HonninUpdateReader reader;
    private final GroupCommit<HonninUpdateService.Command> groupCommit;
    private final Executor replies;

    /** @param replies where the route continues after the commit (not on the committing thread) */
    public HonninUpdates(HonninUpdateReader reader, GroupCommit<HonninUpdateService.Command> groupCommit,
                         Executor replies) {
        this.reader = reader;
        this.groupCommit = groupCommit;
        this.replies = replies;
    }

    /** The connection the request came on: its updates are committed in arrival order. */
    private static int connectionOf(Exchange exchange) {
        Object ctx = exchange.getIn().getHeader("CamelNettyChannelHandlerContext");
        return ctx instanceof io.netty.channel.ChannelHandlerContext c ? c.channel().id().hashCode() : 0;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Request request = exchange.getProperty(ExchangeKeys.REQUEST, Request.class);
        HonninUpdate update;
        try {
            update = reader.read(request.body(), request.sender(), LocalDate.now(HonninUpdateService.JST));
        } catch (Violation v) {
            exchange.getIn().setBody(Reply.nack(request.id(), Refusals.codeOf(v), v.detail()));
            callback.done(true);
            return true;
        }
        List<String> persons = new ArrayList<>(List.of(update.record().juminhyoCode()));
        if (update.formerJuminhyoCode() != null) {
            persons.add(update.formerJuminhyoCode());
        }
        exchange.setProperty(ExchangeKeys.PERSONS, persons);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        try {
            groupCommit.submit(new HonninUpdateService.Command(request, update, reply), connectionOf(exchange));
        } catch (IllegalStateException e) {
            exchange.getIn().setBody(Reply.nack(request.id(), ReplyCode.E503, "gateway is stopping; nothing was applied"));
            callback.done(true);
            return true;
        }
        // the service always answers: committed, refused, or E503 with nothing applied
        reply.whenCompleteAsync((r, e) -> {
            exchange.getIn().setBody(r != null ? r
                    : Reply.nack(request.id(), ReplyCode.E503, "store unavailable; nothing was applied"));
            callback.done(false);
        }, replies);
        return false;
    }
}

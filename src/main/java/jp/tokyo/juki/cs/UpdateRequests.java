package jp.tokyo.juki.cs;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import jp.tokyo.juki.platform.ExchangeKeys;
import jp.tokyo.juki.store.GroupCommit;
import jp.tokyo.juki.store.UpdateTransaction;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Refusals;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The update step of the CS route for one store ({@code HONNIN_UPDATE}, {@code FUHYO_UPDATE}):
 * checks the body's items, hands the update to the store's group commit and continues the
 * route once its transaction has committed (or refused it). Asynchronous: the connection's
 * next request is read meanwhile, and {@link ReplyOrder} keeps the replies in request order.
 *
 * @param <U> the store's checked update
 */
public final class UpdateRequests<U> extends AsyncProcessorSupport implements AsyncProcessor {

    /** Reads and checks an update body (PROTOCOL §3); rules that need the store come later. */
    @FunctionalInterface
    public interface BodyReader<U> {
        U read(JsonNode body, String sender, LocalDate today) throws Violation;
    }

    /** The E503 detail while the audit is behind (docs/protocol.md). */
    public static final String AUDIT_BEHIND = "audit record behind; nothing was applied";
    private final BodyReader<U> reader;
    private final Function<U, List<String>> persons;
    private final GroupCommit<UpdateTransaction.Command<U>> groupCommit;
    private final Executor replies;
    private final Supplier<String> auditBehind;

    /**
     * @param persons the 住民票コード an update concerns (for the audit tap)
     * @param replies where the route continues after the commit (not on the committing thread)
     */
    public UpdateRequests(BodyReader<U> reader, Function<U, List<String>> persons,
                          GroupCommit<UpdateTransaction.Command<U>> groupCommit, Executor replies) {
        this(reader, persons, groupCommit, replies, () -> null);
    }

    /**
     * @param auditBehind null while the audit keeps up, else why not ({@code AuditLag#behind}): an
     *                    update is then answered E503, nothing applied (R-AUD-MSG)
     */
    public UpdateRequests(BodyReader<U> reader, Function<U, List<String>> persons,
                          GroupCommit<UpdateTransaction.Command<U>> groupCommit, Executor replies,
                          Supplier<String> auditBehind) {
        this.auditBehind = auditBehind;
        this.reader = reader;
        this.persons = persons;
        this.groupCommit = groupCommit;
        this.replies = replies;
    }

    /** The connection the request came on: its updates are committed in arrival order. */
    private static int connectionOf(Exchange exchange) {
        Object ctx = exchange.getIn().getHeader("CamelNettyChannelHandlerContext");
        return ctx instanceof ChannelHandlerContext c ? c.channel().id().hashCode() : 0;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Request request = exchange.getProperty(ExchangeKeys.REQUEST, Request.class);
        if (auditBehind.get() != null) {
            // R-AUD-MSG: what cannot be audited is not accepted; the CS sends it again later
            exchange.getIn().setBody(Reply.nack(request.id(), ReplyCode.E503, AUDIT_BEHIND));
            callback.done(true);
            return true;
        }
        U update;
        try {
            update = reader.read(request.body(), request.sender(), LocalDate.now(UpdateTransaction.JST));
        } catch (Violation v) {
            exchange.getIn().setBody(Reply.nack(request.id(), Refusals.codeOf(v), v.detail()));
            callback.done(true);
            return true;
        }
        exchange.setProperty(ExchangeKeys.PERSONS, persons.apply(update));
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        try {
            groupCommit.submit(new UpdateTransaction.Command<>(request, update, reply), connectionOf(exchange));
        } catch (IllegalStateException e) {
            exchange.getIn().setBody(Reply.nack(request.id(), ReplyCode.E503, "gateway is stopping; nothing was applied"));
            callback.done(true);
            return true;
        }
        // the store always answers: committed, refused, or E503 with nothing applied
        reply.whenCompleteAsync((r, e) -> {
            exchange.getIn().setBody(r != null ? r
                    : Reply.nack(request.id(), ReplyCode.E503, "store unavailable; nothing was applied"));
            callback.done(false);
        }, replies);
        return false;
    }
}

package jp.tokyo.juki.cs;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import jp.tokyo.juki.wire.OrderedReply;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Keeps replies in request order on each CS connection (PROTOCOL §2.1) while the requests of
 * a connection are processed concurrently: an update waits for its group commit while the
 * next frame is already being read, checked, and perhaps refused at once. Each request takes
 * a ticket when it enters the route ({@link #enter}); at the end ({@link #process}) its reply
 * is released only once the reply of the ticket before it has been written to the channel
 * (the frame encoder signals that through {@link OrderedReply}).
 */
public final class ReplyOrder extends AsyncProcessorSupport implements AsyncProcessor {
    private static final AttributeKey<Line> LINE = AttributeKey.valueOf("jukiReplyOrder");
    private static final String TICKET = "jukiReplyTicket";

    /** Per connection: the "written" signal of the latest ticket, and all not yet written. */
    private static final class Line {
        CompletableFuture<Void> last;
        final Queue<CompletableFuture<Void>> unwritten = new ConcurrentLinkedQueue<>();
        volatile boolean closed;
    }

    private record Ticket(CompletableFuture<Void> previousWritten, CompletableFuture<Void> written) {
    }

    /** Takes the next ticket of the exchange's connection. Called first, in request order. */
    public void enter(Exchange exchange) {
        ChannelHandlerContext ctx = exchange.getIn().getHeader("CamelNettyChannelHandlerContext", ChannelHandlerContext.class);
        if (ctx == null) {
            return;
        }
        Channel channel = ctx.channel();
        Line line = channel.attr(LINE).get();
        if (line == null) {
            Line fresh = new Line();
            line = channel.attr(LINE).setIfAbsent(fresh);
            if (line == null) {
                line = fresh;
                Line closing = fresh;
                // replies that will never be written must not hold back anything waiting on them
                channel.closeFuture().addListener(f -> {
                    closing.closed = true;
                    CompletableFuture<Void> w;
                    while ((w = closing.unwritten.poll()) != null) {
                        w.complete(null);
                    }
                });
            }
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        CompletableFuture<Void> previous;
        synchronized (line) {
            previous = line.last;
            line.last = written;
        }
        Line current = line;
        current.unwritten.add(written);
        written.whenComplete((v, e) -> current.unwritten.remove(written));
        if (current.closed) {
            written.complete(null);
        }
        exchange.setProperty(TICKET, new Ticket(previous, written));
    }

    /** Wraps the reply bytes so that the encoder can signal when they are written. */
    public void wrap(Exchange exchange) {
        Ticket ticket = exchange.getProperty(TICKET, Ticket.class);
        byte[] bytes = exchange.getIn().getBody(byte[].class);
        if (bytes != null && ticket != null) {
            exchange.getIn().setBody(new OrderedReply(bytes, ticket.written()));
        } else if (ticket != null) {
            ticket.written().complete(null); // no reply: the connection is closed instead
        }
    }

    /** Lets the reply go once the previous reply on this connection has been written. */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Ticket ticket = exchange.getProperty(TICKET, Ticket.class);
        if (ticket == null || ticket.previousWritten() == null || ticket.previousWritten().isDone()) {
            callback.done(true);
            return true;
        }
        ticket.previousWritten().whenComplete((v, e) -> callback.done(false));
        return false;
    }
}

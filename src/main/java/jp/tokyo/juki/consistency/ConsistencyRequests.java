package jp.tokyo.juki.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import jp.tokyo.juki.platform.ExchangeKeys;
import jp.tokyo.juki.record.Items;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.WireRefusal;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code CONSISTENCY_*} step of the CS route (PROTOCOL §2.4/§2.5, docs/protocol.md): reads
 * the body, finds or opens the session and queues the request on it; the reply comes when the
 * session has done it. Asynchronous, like an update: the connection's next frame is read
 * meanwhile and {@code ReplyOrder} keeps the replies in request order — up to
 * {@code juki.consistency.read-ahead} chunks per connection, then the gateway stops reading
 * that connection until one has been staged, so a CS sending faster than the store takes
 * chunks is slowed down by TCP rather than held in memory.
 */
public final class ConsistencyRequests extends AsyncProcessorSupport implements AsyncProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ConsistencyRequests.class);
    /** PROTOCOL §2.4: at most 1,000 records per chunk */
    static final int MAX_RECORDS = 1000;
    /** more than the residents of any prefecture; a larger count is a mistake */
    static final long MAX_EXPECTED = 50_000_000L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> BEGIN = Set.of("store", "session", "expected");
    private static final Set<String> RECORDS = Set.of("session", "chunk", "records");
    private static final Set<String> END = Set.of("session", "part");
    private static final Set<String> END_REQUIRED = Set.of("session");
    private static final AttributeKey<int[]> READ_AHEAD = AttributeKey.valueOf("jukiConsistencyReadAhead");

    private final Sessions sessions;

    public ConsistencyRequests(Sessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Request request = exchange.getProperty(ExchangeKeys.REQUEST, Request.class);
        // the audit records a consistency message without persons: a whole municipality is not "concerned"
        exchange.setProperty(ExchangeKeys.PERSONS, List.of());
        CompletableFuture<Reply> reply;
        Channel channel = null;
        try {
            switch (request.messageType()) {
                case CONSISTENCY_BEGIN -> reply = begin(request);
                case CONSISTENCY_RECORDS -> {
                    channel = channelOf(exchange);
                    reply = records(request, channel);
                }
                case CONSISTENCY_END -> reply = end(request);
                default -> throw new WireRefusal(ReplyCode.E102, "type: not a consistency message", request.id());
            }
        } catch (WireRefusal refusal) {
            exchange.getIn().setBody(refusal.toReply());
            callback.done(true);
            return true;
        } catch (Violation v) {
            exchange.getIn().setBody(Reply.nack(request.id(), ReplyCode.E110, v.detail()));
            callback.done(true);
            return true;
        } catch (RuntimeException e) {
            LOG.error("consistency request {} failed: {}", request.id(), e.getClass().getName());
            exchange.getIn().setBody(Reply.nack(request.id(), ReplyCode.E503, "internal error; nothing was taken"));
            callback.done(true);
            return true;
        }
        Channel paused = channel;
        if (paused != null) {
            readAhead(paused, +1);
        }
        reply.whenCompleteAsync((r, e) -> {
            if (paused != null) {
                readAhead(paused, -1);
            }
            if (e != null) {
                LOG.error("consistency request {} failed: {}", request.id(), e.getClass().getName());
            }
            exchange.getIn().setBody(r != null ? r : Reply.nack(request.id(), ReplyCode.E503,
                    "internal error; nothing was taken"));
            callback.done(false);
        }, sessions.replies());
        return false;
    }

    private CompletableFuture<Reply> begin(Request request) throws Violation, WireRefusal {
        JsonNode body = Items.checkObject(request.body(), "body", BEGIN, BEGIN);
        String store = Items.text(body, "store", "body.store");
        if (!sessions.storeNames().contains(store)) {
            throw Violation.item("body.store", "must be one of " + String.join(", ", sessions.storeNames()));
        }
        String name = sessionName(body);
        JsonNode expected = body.get("expected");
        if (!expected.isIntegralNumber() || !expected.canConvertToLong() || expected.longValue() < 0
                || expected.longValue() > MAX_EXPECTED) {
            throw Violation.item("body.expected", "must be an integer from 0 to " + MAX_EXPECTED);
        }
        return sessions.begin(request.sender(), name, store, expected.longValue(), request.id());
    }

    private CompletableFuture<Reply> records(Request request, Channel channel) throws Violation, WireRefusal {
        JsonNode body = Items.checkObject(request.body(), "body", RECORDS, RECORDS);
        String name = sessionName(body);
        int chunk = Items.count(body, "chunk", "body.chunk");
        JsonNode records = body.get("records");
        if (!records.isArray() || records.isEmpty() || records.size() > MAX_RECORDS) {
            throw Violation.item("body.records", "must be an array of 1 to " + MAX_RECORDS + " records");
        }
        // read-ahead bounds each connection (give or take the frames of one socket read); this bounds what
        // other connections add to a session on this node, so one connection pipelining its chunks is never refused
        int others = sessions.inFlight(request.sender(), name) - (channel == null ? 0 : waitingOn(channel));
        if (others >= 2 * sessions.settings().readAhead()) {
            throw new WireRefusal(ReplyCode.E503, "too many chunks of this session in flight; send this chunk again "
                    + "after the earlier ones are answered", request.id());
        }
        return sessions.chunk(request.sender(), name, chunk, records, request.id());
    }

    private CompletableFuture<Reply> end(Request request) throws Violation {
        JsonNode body = Items.checkObject(request.body(), "body", END, END_REQUIRED);
        String name = sessionName(body);
        Integer part = body.has("part") ? Items.count(body, "part", "body.part") : null;
        return sessions.end(request.sender(), name, part, request.id());
    }

    private static String sessionName(JsonNode body) throws Violation {
        String name = Items.text(body, "session", "body.session");
        if (!NAME.matcher(name).matches()) {
            throw Violation.item("body.session", "1-64 characters [A-Za-z0-9._:-]");
        }
        return name;
    }

    private static Channel channelOf(Exchange exchange) {
        Object ctx = exchange.getIn().getHeader("CamelNettyChannelHandlerContext");
        return ctx instanceof ChannelHandlerContext c ? c.channel() : null;
    }

    /** The chunks of this connection waiting to be staged. */
    private static int waitingOn(Channel channel) {
        int[] waiting = channel.attr(READ_AHEAD).get();
        if (waiting == null) {
            return 0;
        }
        synchronized (waiting) {
            return waiting[0];
        }
    }

    /**
     * Counts the chunks of a connection waiting to be staged and stops reading the connection
     * while there are {@code read-ahead} of them; decided and applied under one lock, so a
     * late "stop" can never follow the last "go on".
     */
    private void readAhead(Channel channel, int delta) {
        int[] waiting = channel.attr(READ_AHEAD).setIfAbsent(new int[1]);
        if (waiting == null) {
            waiting = channel.attr(READ_AHEAD).get();
        }
        synchronized (waiting) {
            waiting[0] += delta;
            channel.config().setAutoRead(waiting[0] < sessions.settings().readAhead());
        }
    }
}

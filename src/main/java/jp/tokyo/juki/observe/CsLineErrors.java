package jp.tokyo.juki.observe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import jp.tokyo.juki.security.Identities;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the CS listener's consumer cannot hand to the route ({@code exceptionHandler:
 * "#csLineErrors"}): a reply that could not be written, an I/O error on a connection. Camel's
 * default handler logs each with its stack trace — one per reply when a peer pipelines and
 * closes (issue 15: 35,714 stack traces for one peer). Here a peer that is gone (the channel
 * closed, reset, broken pipe, a TLS error) is one line per connection and interval with the
 * number of replies not written, without a stack trace; anything else is logged with its stack
 * trace once per kind and interval, and counted.
 */
public final class CsLineErrors implements ExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CsLineErrors.class);

    private final AggregatedLog gone;
    private final AggregatedLog other;

    public CsLineErrors(Duration interval) {
        this.gone = new AggregatedLog(LOG, interval);
        this.other = new AggregatedLog(LOG, interval);
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        Exchange ex = exchange;
        if (ex == null && exception instanceof CamelExchangeException cee) {
            ex = cee.getExchange();
        }
        Channel channel = channelOf(ex);
        if (peerGone(exception, channel)) {
            String peer = peerOf(ex);
            Object key = channel != null ? channel.id() : exception.getClass();
            String subject = channel != null
                    ? "CS connection " + channel.id().asShortText() + " (" + peer + ") closed by the peer or the network"
                    : "CS connections closed by the peer or the network";
            gone.count(key, subject, ex != null ? "reply not written" : describe(exception));
            return;
        }
        String text = (message != null ? message : "CS listener") + ": " + describe(exception);
        other.first(exception.getClass(), "CS listener: " + exception.getClass().getSimpleName(), text, exception);
    }

    private static boolean peerGone(Throwable e, Channel channel) {
        if (channel != null && !channel.isActive()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException || t instanceof SSLException) {
                return true;
            }
            if (t instanceof IOException && t.getClass().getName().startsWith("io.netty.channel.unix.Errors")) {
                return true; // native transport: connection reset, broken pipe
            }
            if (t.getClass() == IOException.class || t instanceof SocketException) {
                return true; // NIO: "Connection reset by peer", "Broken pipe"
            }
        }
        return false;
    }

    /** The exception's kind and that of its root cause (their messages come from Netty and the JDK). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getClass().getSimpleName() + ": " + e.getMessage()
                : e.getClass().getSimpleName() + " caused by " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Channel channelOf(Exchange exchange) {
        Object ctx = exchange == null ? null : exchange.getIn().getHeader("CamelNettyChannelHandlerContext");
        return ctx instanceof ChannelHandlerContext c ? c.channel() : null;
    }

    private static String peerOf(Exchange exchange) {
        SSLSession session = exchange == null ? null : exchange.getIn().getHeader("CamelNettySSLSession", SSLSession.class);
        String peer = session == null ? null : Identities.peerOf(session);
        return peer == null ? "unknown peer" : peer;
    }
}

package jp.tokyo.juki.national;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.wire.FrameClient;

/**
 * The one query connection to one national server, shared by every caller (requests are
 * pipelined; answers come back in order). It is opened on first use and again after a failure.
 * Connecting runs on its own thread and callers only wait for it as long as their timeout
 * allows: a server that accepts but never completes the handshake cannot hold a query longer.
 */
final class QueryLine implements AutoCloseable {
    private final String host;
    private final int port;
    private final SSLContext tls;
    private final ExecutorService connector;
    private CompletableFuture<FrameClient> connection;
    private boolean closed;

    QueryLine(String host, int port, SSLContext tls, ExecutorService connector) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.connector = connector;
    }

    /** The open connection, the connect in progress, or a new connect. */
    synchronized CompletableFuture<FrameClient> connection() {
        if (closed) {
            return CompletableFuture.failedFuture(new IOException("query line closed"));
        }
        if (connection != null) {
            if (!connection.isDone()) {
                return connection;
            }
            if (!connection.isCompletedExceptionally()) {
                FrameClient open = connection.join();
                if (open.isOpen()) {
                    return connection;
                }
                closeLater(open);
            }
        }
        CompletableFuture<FrameClient> next = CompletableFuture.supplyAsync(() -> {
            try {
                return FrameClient.connect(host, port, tls);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, connector);
        connection = next;
        next.thenAccept(client -> {
            synchronized (this) {
                if (closed) {
                    client.close();
                }
            }
        });
        return next;
    }

    /**
     * Gives up a connection that failed a caller (no answer in time, answer out of order): later
     * queries must not queue behind an answer that may never come. Closed off the caller's thread.
     */
    void drop(FrameClient client) {
        synchronized (this) {
            if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()
                    && connection.join() == client) {
                connection = null;
            }
        }
        closeLater(client);
    }

    private void closeLater(FrameClient client) {
        try {
            connector.execute(client::close);
        } catch (RejectedExecutionException e) {
            client.close(); // the query service is closing: nobody is waiting any more
        }
    }

    String where() {
        return host + ":" + port;
    }

    @Override
    public void close() {
        CompletableFuture<FrameClient> last;
        synchronized (this) {
            closed = true;
            last = connection;
            connection = null;
        }
        if (last != null && last.isDone() && !last.isCompletedExceptionally()) {
            last.join().close();
        }
    }
}

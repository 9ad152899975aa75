package jp.tokyo.juki.agency;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded SFTP server ({@link DropFolderServer}) with its sweep, run by the one node that holds lease
 * {@code sftp} (issue 14): started when this node takes the lease, stopped — every session cut — when it loses it,
 * and started again on the same port when it takes it back. Only the holder listens on the SFTP port, so a TCP load
 * balancer that checks that port sends the agencies to the holder (docs/operations/leases.md).
 */
public final class SftpOnLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SftpOnLease.class);

    /** Starts the server on a port (0: any free one). */
    public interface Starter {
        DropFolderServer start(int port) throws IOException;
    }

    private final Starter starter;
    private int port;
    private DropFolderServer server;
    private IOException failure;

    /** @param port the configured port (0: the first start picks one, and later starts take it again) */
    public SftpOnLease(int port, Starter starter) {
        this.port = port;
        this.starter = starter;
    }

    /** This node holds the lease: the server starts (a failure is kept for {@link #failure}). */
    public synchronized void taken() {
        if (server != null) {
            return;
        }
        try {
            server = starter.start(port);
            port = server.port();
            failure = null;
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            LOG.error("SFTP drop folders: the server did not start ({})", e.getMessage());
        }
    }

    /** This node lost the lease (or stops): the server stops and its sessions end. */
    public synchronized void lost() {
        if (server == null) {
            return;
        }
        try {
            server.close();
            LOG.info("SFTP drop folders: server on port {} stopped (lease given up)", port);
        } catch (IOException e) {
            LOG.warn("SFTP drop folders: the server did not stop cleanly ({})", e.getClass().getSimpleName());
        }
        server = null;
    }

    /**
     * The server's port: the configured one, or once a server has started on any free port (0), that port (tests,
     * tools). It is not bound in the registry when the lease is taken: the lease thread binding a bean while the start
     * added routes broke a start (ConcurrentModificationException in Camel's registry, decision 31).
     */
    public synchronized int port() {
        return port;
    }

    /** Whether the server runs on this node. */
    public synchronized boolean running() {
        return server != null;
    }

    /** Why the last start failed, or null. */
    public synchronized IOException failure() {
        return failure;
    }

    @Override
    public void close() {
        lost();
    }
}

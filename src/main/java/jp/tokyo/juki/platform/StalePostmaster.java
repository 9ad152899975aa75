package jp.tokyo.juki.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL server of a gateway that died without stopping it (SIGKILL, the OOM
 * killer, a power cut of the JVM only): the postmaster is a process of its own and outlives the
 * gateway, holding the data directory, so the next start would wait a minute and fail. A server
 * counts as left behind only when no living process holds the directory's {@code epg-lock} (which
 * the gateway running it holds for its whole life) and {@code postmaster.pid} names a live
 * postgres process serving this very directory; it is then shut down (fast shutdown, SIGINT)
 * and the start goes on with PostgreSQL's own crash recovery.
 */
public final class StalePostmaster {
    private static final Logger LOG = LoggerFactory.getLogger(StalePostmaster.class);
    private static final String OWNER_LOCK = "epg-lock";

    private StalePostmaster() {
    }

    /** Stops the postmaster left running in {@code dataDir}, if any; returns its pid. */
    public static Optional<Long> stopIfOrphaned(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Path lockFile = dataDir.resolve(OWNER_LOCK);
        if (!Files.exists(pidFile) || !Files.exists(lockFile)) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return Optional.empty(); // this JVM runs it
            }
            if (lock == null) {
                return Optional.empty(); // a living gateway runs it
            }
            try {
                return stop(dataDir, pidFile);
            } finally {
                lock.release();
            }
        }
    }

    private static Optional<Long> stop(Path dataDir, Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2 || !lines.get(0).trim().matches("\\d+")
                || !Path.of(lines.get(1).trim()).toAbsolutePath().normalize().equals(dataDir.toAbsolutePath().normalize())) {
            return Optional.empty();
        }
        long pid = Long.parseLong(lines.get(0).trim());
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        if (postmaster.isEmpty()) {
            return Optional.empty(); // a stale pid file only; PostgreSQL itself handles that
        }
        LOG.warn("embedded PostgreSQL (pid {}) left running in {} by a gateway that did not stop it; shutting it down",
                pid, dataDir);
        // SIGINT is PostgreSQL's fast shutdown: roll back what is open, checkpoint, exit
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
        try {
            if (!postmaster.get().onExit().get(60, TimeUnit.SECONDS).isAlive()) {
                return Optional.of(pid);
            }
        } catch (ExecutionException | TimeoutException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postmaster.get().destroyForcibly();
        return Optional.of(pid);
    }
}

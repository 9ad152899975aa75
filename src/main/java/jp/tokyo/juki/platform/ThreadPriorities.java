package jp.tokyo.juki.platform;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads no reply to a CS waits for run at a lower CPU priority than those it does (decision 42).
 *
 * <p>An update's reply waits for the CS line's threads, the store's group-commit writer and PostgreSQL. The embedded
 * broker (the audit queue and the national notices), the audit's tap and writer and the JIT compiler work beside them
 * on the same cores, and on a machine of two cores a reply otherwise waits behind them in the run queue: at 1,000
 * updates a second, the reply's p99 over the minute after "ready" had a median of 18.3 ms over ten rounds with those
 * threads at nice 5, and 23.5 ms without (docs/benchmarks.md). Nothing is given up: the lower priority counts only
 * while the cores are contended; idle cores run them at full speed, and the audit's lag check (R-AUD-MSG) still refuses
 * updates should it fall behind.
 *
 * <p>Linux lets a process lower its own threads' priority, never raise it (without privilege), so this can only be
 * undone by a restart with {@link #BACKGROUND_NICE} 0. A thread started by a background thread inherits its priority:
 * the broker's and the audit's threads start only their own kind.
 *
 * <p>Threads are recognised by their Linux names ({@code /proc/self/task/<tid>/comm}: the first 15 characters of the
 * Java thread's name), read once a second, since the broker starts and ends its pool's threads as it needs them and
 * the JVM its compiler threads: Artemis names its threads {@code Thread-<n> (activemq-…)} and {@code activemq-…}, the
 * audit's are {@code audit-…} (jp.tokyo.juki.audit), the JIT's {@code C1/C2 CompilerThread<n>}.
 */
public final class ThreadPriorities {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadPriorities.class);

    public static final Setting<Integer> BACKGROUND_NICE = new Setting<>("juki.threads.background-nice",
            Setting.Kind.WHOLE, "5", "", 0, 19,
            "Linux nice value of the threads no reply to a CS waits for (the embedded broker's, the audit's, the JIT "
                    + "compiler's), so that replies go first on contended cores (decision 42); 0 = the same as the others",
            "nice values run to 19, and a process may lower its threads' priority, never raise it", Integer::valueOf);

    /**
     * The background threads, by their Linux names (15 characters at most). The broker's pool counts its threads on
     * as it replaces them, so only the "a" of {@code Thread-<n> (activemq-…)} may be left ({@code Thread-12 (acti},
     * {@code Thread-12345 (a}); the lower-case "a" tells them from its client's {@code Thread-<n> (ActiveMQ-client-…)}.
     */
    static final Pattern BACKGROUND = Pattern.compile("^(Thread-\\d+ \\((a|$)|activemq-|audit-|C[12] CompilerThre)");

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long PERIOD_MS = 1000;
    private static ThreadPriorities running;

    private final int nice;
    private final Pattern background;
    /** the threads set so far (their ids; an id ended is dropped at the next scan, as Linux may reuse it) */
    private final Set<Integer> lowered = new HashSet<>();
    private final Thread scanner;
    private boolean warned;

    private ThreadPriorities(int nice, Pattern background) {
        this.nice = nice;
        this.background = background;
        this.scanner = new Thread(this::scanLoop, "thread-priorities");
        this.scanner.setDaemon(true);
    }

    /**
     * Starts lowering the background threads of this process to {@link #BACKGROUND_NICE}, once a second, for as long
     * as the process lives. Once per process. {@code ./gateway run} calls it after the warm-up, so that the JIT compiles
     * the rehearsal's hot paths at full priority.
     * Does nothing with 0, or where Linux's thread names or {@code setpriority} cannot be had (logged).
     */
    public static synchronized void start(GatewayConfig config) {
        if (running != null) {
            return;
        }
        int nice = config.get(BACKGROUND_NICE);
        if (nice == 0) {
            LOG.info("background threads run at the same priority as the others (juki.threads.background-nice 0)");
            return;
        }
        ThreadPriorities t = new ThreadPriorities(nice, BACKGROUND);
        try {
            LibC.load(); // here, not in the scanner's loop, should the C library not load
            t.scan();
        } catch (IOException | LinkageError | LastErrorException e) {
            LOG.warn("background threads run at the same priority as the others: Linux's thread names or setpriority "
                    + "are not available here ({})", e.getClass().getSimpleName());
            return;
        }
        running = t;
        t.scanner.start();
        LOG.info("background threads (the broker's, the audit's, the JIT compiler's) run at nice {}: replies to the "
                + "CS go first on busy cores (juki.threads.background-nice)", nice);
    }

    /** For a test: lowers the threads matching {@code background} once, now; returns how many it lowered. */
    static int scanOnce(int nice, Pattern background) throws IOException {
        return new ThreadPriorities(nice, background).scan();
    }

    private void scanLoop() {
        while (true) {
            try {
                Thread.sleep(PERIOD_MS);
                scan();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // tried again a second later; said once at WARN, then at DEBUG
                if (!warned) {
                    warned = true;
                    LOG.warn("thread priorities: a scan failed ({}); trying again every second",
                            e.getClass().getSimpleName());
                } else {
                    LOG.debug("thread priorities: scan failed: {}", e.getClass().getSimpleName());
                }
            }
        }
    }

    /** @return how many threads were lowered by this scan */
    private int scan() throws IOException {
        Set<Integer> alive = new HashSet<>();
        int now = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                int tid = Integer.parseInt(task.getFileName().toString());
                alive.add(tid);
                // names are read again at every scan: a new thread bears its creator's name until it sets its own
                if (lowered.contains(tid) || !background.matcher(name(task)).find()) {
                    continue;
                }
                try {
                    LibC.setpriority(LibC.PRIO_PROCESS, tid, nice);
                    lowered.add(tid);
                    now++;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != LibC.ESRCH) { // ESRCH: the thread ended meanwhile
                        throw e;
                    }
                }
            }
        }
        lowered.retainAll(alive);
        return now;
    }

    /** The thread's Linux name, or "" when it ended meanwhile. */
    private static String name(Path task) throws IOException {
        try {
            // Latin-1 never fails to decode: a name cut in the middle of a multi-byte character would in UTF-8
            return new String(Files.readAllBytes(task.resolve("comm")), StandardCharsets.ISO_8859_1).strip();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    /** The C library's setpriority(2), by JNA's direct mapping. */
    private static final class LibC {
        static final int PRIO_PROCESS = 0;
        static final int ESRCH = 3;

        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static native int setpriority(int which, int who, int prio) throws LastErrorException;

        /** Loads the library (the class's initialisation), or throws a {@link LinkageError}. */
        static void load() {
        }

        private LibC() {
        }
    }
}

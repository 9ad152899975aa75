package jp.tokyo.juki.harness;

import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.platform.StalePostmaster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A gateway started as a process of its own ({@code ./gateway run} with -Xms1g -Xmx1g as the systemd unit; tests
 * launch it with -Xmx1g alone, see {@link #launch}), as the demo, the benchmarks and the failure tests use it: its memory is its own, and it is stopped with SIGTERM
 * like in production (or killed with SIGKILL, like a crash). Started again on the same data
 * directory it finds its database, journal and outbox as the previous run left them; the
 * previous run's log is kept as {@code gateway-<n>.log}.
 */
public final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final Path data;
    private final Path log;
    private final int dbPort;
    private final int sftpPort;
    private final int operatorPort;
    private final int managementPort;
    private final long readyWithinSeconds;

    private GatewayProcess(Process process, Path data, Path log, int dbPort, int sftpPort, int operatorPort,
                           int managementPort, long readyWithinSeconds) {
        this.readyWithinSeconds = readyWithinSeconds;
        this.process = process;
        this.data = data;
        this.log = log;
        this.dbPort = dbPort;
        this.sftpPort = sftpPort;
        this.operatorPort = operatorPort;
        this.managementPort = managementPort;
    }

    static GatewayProcess start(Path data, int csPort, int nationalPort, List<String> extraArgs) throws IOException {
        return start(System.getProperty("java.class.path"), data, csPort, nationalPort, extraArgs);
    }

    /**
     * @param classPath the child's class path, e.g. {@code target/juki-gateway.jar} (a test JVM's own
     *                  class path would give the child the tests' logging configuration)
     */
    public static GatewayProcess start(String classPath, Path data, int csPort, int nationalPort, List<String> extraArgs)
            throws IOException {
        return start(List.of(), classPath, data, csPort, Ports.free(), nationalPort, extraArgs);
    }

    /**
     * As {@link #start(String, Path, int, int, List)}, the command run by {@code prefix} (e.g.
     * {@code ip netns exec <ns>}, which execs it: the process is still the gateway's JVM), on a given
     * management port (a load balancer checks it, so a node started again keeps it).
     */
    public static GatewayProcess start(List<String> prefix, String classPath, Path data, int csPort, int managementPort,
                                       int nationalPort, List<String> extraArgs) throws IOException {
        return start(prefix, System.getenv("JUKI_GATEWAY_JVM_OPTS"), classPath, data, csPort, managementPort, nationalPort,
                extraArgs);
    }

    /**
     * As {@link #start(String, Path, int, int, List)}, with these JVM options instead of those of
     * {@code JUKI_GATEWAY_JVM_OPTS} (null: those; blank: none beyond the defaults), so that one bench run can
     * compare settings of the JVM.
     */
    public static GatewayProcess start(String jvmOpts, String classPath, Path data, int csPort, int nationalPort,
                                       List<String> extraArgs) throws IOException {
        return start(List.of(), jvmOpts != null ? jvmOpts : System.getenv("JUKI_GATEWAY_JVM_OPTS"), classPath, data,
                csPort, Ports.free(), nationalPort, extraArgs);
    }

    private static GatewayProcess start(List<String> prefix, String jvmOpts, String classPath, Path data, int csPort,
                                        int managementPort, int nationalPort, List<String> extraArgs) throws IOException {
        return launch(prefix, jvmOpts, true, classPath, data, csPort, managementPort, nationalPort, extraArgs).awaitReady();
    }

    /**
     * As {@link #start(List, String, Path, int, int, int, List)}, but returns as soon as the process runs, before the
     * gateway is ready ({@link #awaitReady()}): for a test that looks at a gateway while it starts. Its heap is not
     * fixed (no {@code -Xms}): tests bound the process's resident memory (HostileLineIT), and the pages of a fixed
     * heap count in it once touched, whatever a hostile peer does.
     */
    public static GatewayProcess launch(List<String> prefix, String classPath, Path data, int csPort, int managementPort,
                                        int nationalPort, List<String> extraArgs) throws IOException {
        return launch(prefix, System.getenv("JUKI_GATEWAY_JVM_OPTS"), false, classPath, data, csPort, managementPort,
                nationalPort, extraArgs);
    }

    /** @param fixedHeap {@code -Xms1g} as well as {@code -Xmx1g}, as the systemd unit (decision 39) */
    private static GatewayProcess launch(List<String> prefix, String jvmOpts, boolean fixedHeap, String classPath,
                                         Path data, int csPort, int managementPort, int nationalPort,
                                         List<String> extraArgs) throws IOException {
        Files.createDirectories(data);
        int dbPort = Ports.free();
        int sftpPort = Ports.free();
        int operatorPort = Ports.free();
        Path log = data.resolve("gateway.log");
        for (int n = 1; Files.exists(log); n++) {
            Path earlier = data.resolve("gateway-" + n + ".log");
            if (!Files.exists(earlier)) {
                Files.move(log, earlier);
            }
        }
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (fixedHeap) {
            // as the systemd unit: a fixed heap (decision 39), never shrunk by the rehearsal's System.gc()
            cmd.add("-Xms1g");
        }
        cmd.addAll(List.of(
                "-Xmx1g",
                // one line per collection, so the heap left after each can be read (heapAfterGcMiB)
                "-Xlog:gc:file=" + data.toAbsolutePath().resolve("gc.log")));
        if (jvmOpts == null || !jvmOpts.matches(".*-XX:\\+Use\\w*GC\\b.*")) {
            cmd.add("-XX:+UseG1GC"); // the systemd unit's collector, unless the options choose another
        }
        if (jvmOpts != null && !jvmOpts.isBlank()) {
            cmd.addAll(List.of(jvmOpts.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", classPath,
                GatewayCli.class.getName(), "run",
                "--data", data.toString(), "--port", Integer.toString(csPort),
                "--national-port", Integer.toString(nationalPort),
                "--set", "juki.db.embedded.port=" + dbPort, "--set", "juki.sftp.port=" + sftpPort,
                "--set", "camel.management.port=" + managementPort,
                "--set", "juki.operator.host=127.0.0.1", "--set", "juki.operator.port=" + operatorPort,
                "--set", "juki.broker.acceptor=tcp://127.0.0.1:" + Ports.free(),
                // no warm-up at start unless a caller asks for one (--set juki.warmup.seconds=N after this wins)
                "--set", "juki.warmup.seconds=0"));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // a warm-up (juki.warmup.seconds) comes before "ready"
        long warmUp = extraArgs.stream().filter(a -> a.startsWith("juki.warmup.seconds="))
                .mapToLong(a -> Long.parseLong(a.substring(a.indexOf('=') + 1).trim())).max().orElse(0);
        return new GatewayProcess(p, data, log, dbPort, sftpPort, operatorPort, managementPort, 180 + warmUp);
    }

    /**
     * Waits until the log says "juki-gateway ready" (the CS listener is open); throws, and stops the process, when it
     * exits first or is not ready in 180 s plus its warm-up.
     */
    public GatewayProcess awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readyWithinSeconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gateway exited during start-up (exit " + process.exitValue() + ", "
                        + lastError(log) + "); see " + log);
            }
            if (Files.exists(log) && Files.readString(log).contains("juki-gateway ready")) {
                return this;
            }
            sleep(200);
        }
        close();
        throw new IOException("gateway not ready within " + readyWithinSeconds + " s; see " + log);
    }

    /**
     * The last line of a log that names an error or exception, for the message of a failed start (a
     * test's summary shows only that message; the log itself is deleted with the test's data). A
     * start-up log holds no personal data.
     */
    static String lastError(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            String last = lines.filter(l -> l.contains("ERROR") || l.contains("Exception") || l.contains("Error:"))
                    .reduce((a, b) -> b).orElse("no error line in the log");
            return last.length() > 300 ? last.substring(0, 300) + "…" : last;
        } catch (IOException | UncheckedIOException e) {
            return "log unreadable: " + e.getClass().getSimpleName();
        }
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** The port of the gateway's embedded PostgreSQL (on localhost). */
    public int dbPort() {
        return dbPort;
    }

    /** The management port (health, metrics; {@code /observe/health/ready}). */
    public int managementPort() {
        return managementPort;
    }

    /** The operator port (API and console, on localhost). */
    public int operatorPort() {
        return operatorPort;
    }

    /** The port of the gateway's SFTP drop folders (on localhost). */
    int sftpPort() {
        return sftpPort;
    }

    /** Resident set size now and at its peak (VmRSS, VmHWM), in MiB. */
    public long[] memoryMiB() {
        long rss = 0;
        long hwm = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line) / 1024;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line) / 1024;
                }
            }
        } catch (IOException e) {
            // not on Linux, or gone
        }
        return new long[]{rss, hwm};
    }

    /**
     * The heap in use right after the most recent garbage collection (from its gc.log), in MiB:
     * what the gateway really holds, unlike the RSS, which the JVM keeps once it has grown.
     */
    public OptionalLong heapAfterGcMiB() {
        Pattern after = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
        long last = -1;
        try (Stream<String> lines = Files.lines(data.resolve("gc.log"))) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = after.matcher(line);
                if (m.find()) {
                    last = Long.parseLong(m.group(2));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // no collection yet, or the log is gone
        }
        return last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
    }

    /**
     * The live heap: a full collection is asked for (jcmd GC.run, a pause of some 100 ms) and the
     * heap left after it is read. Unlike the heap after a young collection, this does not grow
     * with garbage the old generation has not collected yet, so its growth over time is a leak.
     */
    public OptionalLong liveHeapMiB() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                return OptionalLong.empty();
            }
            sleep(500); // the log line follows the collection
            return heapAfterGcMiB();
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /** Runs a query against the gateway's embedded database and returns the first column of the first row. */
    public long queryLong(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + dbPort + "/postgres", "postgres",
                dbPassword("postgres"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The password of a role of the gateway's embedded database (kept in its data directory). */
    public String dbPassword(String role) {
        try {
            return DatabaseLogins.of(data).password(role);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The peak heap the gateway reported when it stopped, in MiB. */
    Optional<Long> reportedPeakHeapMiB() throws IOException {
        for (String line : Files.readAllLines(log)) {
            int i = line.indexOf("peak heap ");
            if (i >= 0) {
                String rest = line.substring(i + "peak heap ".length()).trim();
                return Optional.of(Long.parseLong(rest.split(" ")[0]));
            }
        }
        return Optional.empty();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash: nothing of the gateway runs afterwards (its database server does; see StalePostmaster). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then wait; returns the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            threadDump(timeout);
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    /**
     * A stop that timed out is a defect of the gateway's shutdown: what its threads were doing goes to the
     * standard output (a test's report) before it is killed.
     */
    private void threadDump(Duration timeout) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            System.out.printf("gateway %d did not stop within %d s of SIGTERM; its threads:%n%s%n", process.pid(),
                    timeout.toSeconds(), dump);
        } catch (IOException e) {
            System.out.printf("gateway %d did not stop within %d s of SIGTERM (no thread dump: %s)%n", process.pid(),
                    timeout.toSeconds(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop(Duration.ofSeconds(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        if (!process.isAlive()) {
            // killed (by a test or after the stop timed out): its database server would outlive it
            try {
                StalePostmaster.stopIfOrphaned(data.resolve("pg").toAbsolutePath());
            } catch (IOException e) {
                System.err.println("embedded PostgreSQL of " + data + " not stopped: " + e.getMessage());
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}

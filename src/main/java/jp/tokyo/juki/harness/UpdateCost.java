package jp.tokyo.juki.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.observe.PrometheusText;

/**
 * What a measured window of {@code bench updates} cost (issue 16): CPU seconds of the gateway's JVM, of the
 * PostgreSQL processes serving it and of the benchmark process (CS and national simulators), from
 * {@code /proc}; the database's commits and the gateway's update transactions (its group commits) with how
 * many updates each took; and, on request, a flame graph of the gateway over the window (async-profiler,
 * loaded into the gateway's JVM with {@code jcmd JVMTI.agent_load} at the start and asked for the graph at
 * the end). Per acknowledged update, CPU is the figure that holds on a noisy two-core machine, where the
 * throughput depends on what else runs.
 */
final class UpdateCost {
    private static final String PROFILER = "linux-x64/libasyncProfiler.so";

    private final GatewayProcess gateway;
    private final Path dir;
    private final boolean flame;
    private final ProcessCpu cpu;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** The figures at the start of a window. */
    record Start(String store, ProcessCpu.Sample cpu, long commits, double[] batches, boolean profiling) {
    }

    /** What a window cost. */
    record Measured(ProcessCpu.Window cpu, long commits, double updateTransactions, double updatesInThem,
                    Path flameGraph, Path collapsed) {
        void print(PrintStream out, String store, long acked) {
            out.printf(Locale.ROOT, "RESULT %s CPU per acknowledged update: gateway %.0f µs, PostgreSQL %.0f µs, "
                            + "bench process (CS + national simulators) %.0f µs | window %.1f s (first request to the "
                            + "national backlog drained), %.2f of the machine's %d cores busy with these three%n",
                    store, ProcessCpu.Window.microsPer(cpu.gateway(), acked),
                    ProcessCpu.Window.microsPer(cpu.postgres(), acked), ProcessCpu.Window.microsPer(cpu.bench(), acked),
                    cpu.seconds(), cpu.busyCores(), Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "RESULT %s commits: %.0f/s in the database (every transaction of the gateway), "
                            + "%.0f update transactions/s taking %.1f updates each%n", store,
                    cpu.seconds() == 0 ? 0 : commits / cpu.seconds(),
                    cpu.seconds() == 0 ? 0 : updateTransactions / cpu.seconds(),
                    updateTransactions == 0 ? 0 : updatesInThem / updateTransactions);
            if (collapsed != null) {
                try {
                    CpuByThread.print(out, store, collapsed);
                } catch (IOException | RuntimeException e) {
                    out.println("bench updates: " + collapsed + " not readable: " + e);
                }
            }
            if (flameGraph != null) {
                out.printf("RESULT %s flame graph of the gateway over the window: %s%n", store, flameGraph);
            }
        }
    }

    /**
     * @param dir   the gateway's data directory (its PostgreSQL's is {@code pg} in it; the flame graphs go here)
     * @param flame whether to profile each window
     */
    UpdateCost(GatewayProcess gateway, Path dir, boolean flame) {
        this.gateway = gateway;
        this.dir = dir;
        this.flame = flame;
        this.cpu = new ProcessCpu(gateway.pid(), dir.resolve("pg"));
    }

    Start start(String store) throws SQLException, IOException, InterruptedException {
        boolean profiling = flame && profiler("start,event=cpu,interval=1ms,threads");
        return new Start(store, cpu.sample(), commits(), batches(store), profiling);
    }

    Measured stop(Start start) throws SQLException, IOException, InterruptedException {
        ProcessCpu.Sample end = cpu.sample();
        long commits = commits() - start.commits();
        double[] batches = batches(start.store());
        Path graph = null;
        Path stacks = null;
        if (start.profiling()) {
            String name = "flame-" + start.store().toLowerCase(Locale.ROOT);
            Path collapsed = dir.toAbsolutePath().resolve(name + ".collapsed");
            if (profiler("dump,file=" + collapsed)) {
                stacks = collapsed;
            }
            Path file = dir.toAbsolutePath().resolve(name + ".html");
            if (profiler("stop,file=" + file)) {
                graph = file;
            }
        }
        return new Measured(end.since(start.cpu()), commits, batches[0] - start.batches()[0],
                batches[1] - start.batches()[1], graph, stacks);
    }

    /** Transactions committed in the gateway's database so far (every role's). */
    private long commits() throws SQLException {
        return gateway.queryLong("SELECT sum(xact_commit)::bigint FROM pg_stat_database");
    }

    /** The store's group commits so far and the updates they took, from the gateway's metrics. */
    private double[] batches(String store) throws IOException, InterruptedException {
        URI metrics = URI.create("http://127.0.0.1:" + gateway.managementPort() + "/observe/metrics");
        String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        PrometheusText parsed = PrometheusText.parse(text);
        String line = store.toLowerCase(Locale.ROOT);
        double count = parsed.named("juki_batch_size_count").stream().filter(x -> line.equals(x.label("store")))
                .mapToDouble(PrometheusText.Sample::value).sum();
        double sum = parsed.named("juki_batch_size_sum").stream().filter(x -> line.equals(x.label("store")))
                .mapToDouble(PrometheusText.Sample::value).sum();
        return new double[]{count, sum};
    }

    /** Gives async-profiler in the gateway's JVM a command; false (and why, printed) when it cannot. */
    private boolean profiler(String command) throws IOException, InterruptedException {
        Path lib = dir.toAbsolutePath().resolve("libasyncProfiler.so");
        if (!Files.exists(lib)) {
            try (InputStream in = UpdateCost.class.getClassLoader().getResourceAsStream(PROFILER)) {
                if (in == null) {
                    System.out.println("bench updates: no flame graph: async-profiler (" + PROFILER
                            + ") is not on the class path of this build");
                    return false;
                }
                Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                // quoted, or jcmd's argument parser splits the agent's options at their '='
                Long.toString(gateway.pid()), "JVMTI.agent_load", lib.toString(), "\"" + command + "\"")
                .redirectErrorStream(true).start();
        String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0 || !said.endsWith("return code: 0")) {
            System.out.println("bench updates: async-profiler did not take '" + command + "': " + said);
            return false;
        }
        return true;
    }
}

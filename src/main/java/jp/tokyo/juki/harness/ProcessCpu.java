package jp.tokyo.juki.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU time used by the processes of one benchmark, read from {@code /proc/<pid>/stat} (user + system time of
 * every thread of a live process): the gateway's JVM, the PostgreSQL processes serving it (its postmaster —
 * found by its data directory on the command line — and every backend under it), and this benchmark process
 * (the CS simulator and the national simulators). Two samples make a window; on a machine without
 * {@code /proc} every figure is zero.
 */
final class ProcessCpu {
    /** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    /** CPU seconds used so far by each part, and when the sample was taken. */
    record Sample(double gateway, double postgres, double bench, long nanoTime) {
        /** What each part used between {@code earlier} and this sample. */
        Window since(Sample earlier) {
            return new Window(gateway - earlier.gateway, postgres - earlier.postgres, bench - earlier.bench,
                    (nanoTime - earlier.nanoTime) / 1e9);
        }
    }

    /** CPU seconds used by each part over {@code seconds} of wall time. */
    record Window(double gateway, double postgres, double bench, double seconds) {
        /** Microseconds of CPU per unit of work ({@code count} acknowledged updates, say) for one part. */
        static double microsPer(double cpuSeconds, long count) {
            return count == 0 ? 0 : cpuSeconds * 1e6 / count;
        }

        /** Cores kept busy by all three parts together. */
        double busyCores() {
            return seconds == 0 ? 0 : (gateway + postgres + bench) / seconds;
        }
    }

    private final long gatewayPid;
    private final String postgresDataDir;

    /**
     * @param gatewayPid the gateway's JVM
     * @param pgDataDir  the data directory of the PostgreSQL that serves it (its postmaster's {@code -D})
     */
    ProcessCpu(long gatewayPid, Path pgDataDir) {
        this.gatewayPid = gatewayPid;
        this.postgresDataDir = pgDataDir.toAbsolutePath().normalize().toString();
    }

    Sample sample() {
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, Double> cpu = new HashMap<>();
        Long postmaster = null;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                long[] stat = stat(proc);
                if (stat == null) {
                    continue;
                }
                parents.put(pid, stat[0]);
                cpu.put(pid, (stat[1] + stat[2]) / TICKS_PER_SECOND);
                if (postmaster == null && isPostmasterOf(proc)) {
                    postmaster = pid;
                }
            }
        } catch (IOException e) {
            return new Sample(0, 0, 0, System.nanoTime());
        }
        double postgres = 0;
        if (postmaster != null) {
            for (long pid : treeOf(postmaster, parents)) {
                postgres += cpu.getOrDefault(pid, 0.0);
            }
        }
        return new Sample(cpu.getOrDefault(gatewayPid, 0.0), postgres,
                cpu.getOrDefault(ProcessHandle.current().pid(), 0.0), System.nanoTime());
    }

    /** {@code ppid, utime, stime} of a process, or null when it is gone. */
    private static long[] stat(Path proc) {
        try {
            String s = Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) is in parentheses and may hold spaces: fields are counted after it
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[]{Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private boolean isPostmasterOf(Path proc) {
        try {
            String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            List<String> args = List.of(cmdline.split("\0"));
            int d = args.indexOf("-D");
            return d >= 0 && d + 1 < args.size() && args.get(0).endsWith("postgres")
                    && Path.of(args.get(d + 1)).toAbsolutePath().normalize().toString().equals(postgresDataDir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Set<Long> treeOf(long root, Map<Long, Long> parents) {
        Map<Long, List<Long>> children = new HashMap<>();
        parents.forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new java.util.ArrayList<>()).add(pid));
        Set<Long> tree = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            if (tree.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return tree;
    }
}

package jp.tokyo.juki.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the gateway's CPU went over a measured window, by the work its threads do: read from async-profiler's
 * collapsed stacks taken with the {@code threads} option (each stack's root is {@code [<thread name> tid=<id>]}),
 * each sample counted to the first part whose thread-name pattern matches. Printed after a {@code --flame} run;
 * the flame graph beside it shows the frames.
 */
final class CpuByThread {
    /** The gateway's work, by its threads' names (docs/architecture.md). */
    private static final Map<String, Pattern> PARTS = parts();

    private static Map<String, Pattern> parts() {
        Map<String, Pattern> m = new LinkedHashMap<>();
        m.put("JIT compiler", Pattern.compile("^(C[12] CompilerThre|Sweeper thread)")); // native names: 15 characters
        m.put("garbage collector", Pattern.compile("^(G1 |GC Thread|VM Thread|VM Periodic)"));
        m.put("update transactions (group commit)", Pattern.compile("^(honnin|fuhyo)-writer"));
        m.put("replies to the CS", Pattern.compile("reply", Pattern.CASE_INSENSITIVE));
        m.put("national delivery", Pattern.compile("national-(honnin|fuhyo)-delivery"));
        m.put("outbox relay", Pattern.compile("outbox-relay"));
        m.put("audit (tap and writer)", Pattern.compile("^audit-"));
        m.put("CS line (netty: TLS, frames, JSON, Camel route)", Pattern.compile("(?i)(netty|nioEventLoop|epoll|cs-listener|Camel .*NettyServer)"));
        m.put("broker (embedded Artemis)", Pattern.compile("(?i)(activemq|artemis|Thread-\\d+ \\()"));
        m.put("database pool and driver", Pattern.compile("(?i)(hikari|postgres)"));
        m.put("management and operator ports (vert.x)", Pattern.compile("^vert\\.x-"));
        return m;
    }

    private static final Pattern ROOT = Pattern.compile("^\\[(.*?)(?: tid=\\d+)?\\]$");

    private CpuByThread() {
    }

    /** Prints each part's share of the samples in {@code collapsed}, largest first, and the busiest other threads. */
    static void print(PrintStream out, String store, Path collapsed) throws IOException {
        Map<String, Long> byPart = new LinkedHashMap<>();
        Map<String, Long> others = new LinkedHashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(collapsed, StandardCharsets.UTF_8)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).trim());
            String root = line.substring(0, line.indexOf(';') < 0 ? space : line.indexOf(';'));
            Matcher m = ROOT.matcher(root);
            String thread = m.matches() ? m.group(1) : root;
            total += samples;
            String part = PARTS.entrySet().stream().filter(e -> e.getValue().matcher(thread).find())
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (part != null) {
                byPart.merge(part, samples, Long::sum);
            } else {
                others.merge(thread.replaceAll("\\d+", "N"), samples, Long::sum);
            }
        }
        if (total == 0) {
            return;
        }
        long all = total;
        StringBuilder b = new StringBuilder();
        byPart.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> b.append(String.format(Locale.ROOT, "%s %.1f%%; ", e.getKey(), 100.0 * e.getValue() / all)));
        long otherTotal = others.values().stream().mapToLong(Long::longValue).sum();
        List<String> top = others.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                .map(e -> String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), 100.0 * e.getValue() / all)).toList();
        b.append(String.format(Locale.ROOT, "other threads %.1f%% (busiest: %s)", 100.0 * otherTotal / all,
                String.join(", ", top)));
        out.printf("RESULT %s gateway CPU by thread over the window (%d samples): %s%n", store, total, b);
    }
}

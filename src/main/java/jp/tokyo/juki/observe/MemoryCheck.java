package jp.tokyo.juki.observe;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The heap (issue 15 findings 6 and 8): a readiness failure while an {@link OutOfMemoryError}
 * was seen within the last {@link #RECENT} or the heap left after the last garbage collection
 * is above {@value #DOWN_PERCENT} % of the maximum; a warning above {@value #WARN_PERCENT} %, and
 * for every OutOfMemoryError since the start. A gateway that ran out of memory may have lost a
 * thread anywhere; it says so rather than stay UP.
 *
 * <p>OutOfMemoryErrors are counted where they are caught ({@link #outOfMemory}, e.g. the agency
 * flow) and, once {@link #install}ed, wherever one ends a thread.
 */
public final class MemoryCheck extends GatewayCheck {
    static final Duration RECENT = Duration.ofMinutes(10);
    static final int DOWN_PERCENT = 90;
    static final int WARN_PERCENT = 75;
    private static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicReference<Seen> LAST = new AtomicReference<>();
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private record Seen(Instant at, String where) {
    }

    private final Clock clock;
    private final Set<String> heapPools;

    MemoryCheck(Clock clock) {
        super("juki-memory", true);
        this.clock = clock;
        this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    }

    /**
     * The check, after which every OutOfMemoryError that ends a thread is counted too (the handler
     * before it still runs).
     */
    public static MemoryCheck install(Clock clock) {
        if (INSTALLED.getAndSet(true)) {
            return new MemoryCheck(clock); // one handler per JVM, however many gateways it runs (tests)
        }
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof OutOfMemoryError) {
                outOfMemory("thread " + t.getName().replaceAll("[^A-Za-z0-9._-]", "_"));
            }
            if (before != null) {
                before.uncaughtException(t, e);
            } else {
                System.err.print("Exception in thread \"" + t.getName() + "\" ");
                e.printStackTrace();
            }
        });
        return new MemoryCheck(clock);
    }

    /** Counts an OutOfMemoryError caught {@code where} (a word, no data). */
    public static void outOfMemory(String where) {
        SEEN.incrementAndGet();
        LAST.set(new Seen(Instant.now(), where));
    }

    /** OutOfMemoryErrors counted since the start. */
    public static long outOfMemoryCount() {
        return SEEN.get();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long seen = SEEN.get();
        Seen last = LAST.get();
        long heapPercent = heapAfterGcPercent();
        builder.detail("out-of-memory-errors", seen);
        builder.detail("heap-after-gc-percent", heapPercent);
        if (last != null && Duration.between(last.at(), clock.instant()).compareTo(RECENT) < 0) {
            builder.down().message(seen + " OutOfMemoryError since start, the last at " + last.at() + " in " + last.where()
                    + " (within " + RECENT.toMinutes() + " min); heap after GC " + heapPercent + " % of max");
        } else if (heapPercent >= DOWN_PERCENT) {
            builder.down().message("heap after the last GC at " + heapPercent + " % of max (" + DOWN_PERCENT
                    + " % or more: out of memory is near)");
        } else if (heapPercent >= WARN_PERCENT) {
            warn(builder, "heap after the last GC at " + heapPercent + " % of max");
        } else if (last != null) {
            warn(builder, seen + " OutOfMemoryError since start, the last at " + last.at() + " in " + last.where());
        } else {
            builder.up();
        }
    }

    /** The heap in use right after the most recent collection, in percent of the maximum heap; 0 before any. */
    long heapAfterGcPercent() {
        long max = Runtime.getRuntime().maxMemory();
        GcInfo latest = null;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean sun) {
                GcInfo info = sun.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null || max <= 0) {
            return 0;
        }
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        return used * 100 / max;
    }
}

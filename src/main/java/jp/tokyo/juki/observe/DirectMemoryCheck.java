package jp.tokyo.juki.observe;

import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: the JVM's direct memory (the network buffers of Netty, the CS line's TLS) against
 * its limit ({@code -XX:MaxDirectMemorySize}, else the heap's maximum). Above {@code warnAt} of
 * the limit it is a warning, above {@code downAt} the gateway is not ready: new handshakes and
 * reads are about to fail with "Cannot reserve … bytes of direct buffer memory" (issue 15: 1,062
 * of those while health stayed UP). Used is the larger of the JDK's "direct" buffer pool and
 * Netty's own counter (Netty counts only when it allocates without the JDK's cleaner).
 */
public final class DirectMemoryCheck extends GatewayCheck {
    private final LongSupplier used;
    private final long max;
    private final double warnAt;
    private final double downAt;

    /** @param warnPercent warning above this share of the limit; @param downPercent not ready above this */
    public DirectMemoryCheck(int warnPercent, int downPercent) {
        this(DirectMemoryCheck::usedNow, PlatformDependent.maxDirectMemory(), warnPercent, downPercent);
    }

    DirectMemoryCheck(LongSupplier used, long max, int warnPercent, int downPercent) {
        super("juki-direct-memory", true);
        this.used = used;
        this.max = max;
        this.warnAt = warnPercent / 100.0;
        this.downAt = downPercent / 100.0;
    }

    /** Direct memory in use now, in bytes. */
    public static long usedNow() {
        long jdk = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                jdk = pool.getMemoryUsed();
            }
        }
        return Math.max(jdk, PlatformDependent.usedDirectMemory());
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long now = used.getAsLong();
        builder.detail("direct-memory-used-mib", now >> 20);
        builder.detail("direct-memory-max-mib", max >> 20);
        if (max <= 0) {
            builder.up();
            return;
        }
        double share = (double) now / max;
        String text = "direct memory " + (now >> 20) + " MiB of " + (max >> 20) + " MiB (" + Math.round(share * 100) + " %)";
        if (share >= downAt) {
            builder.down().message(text + "; network buffers are about to be refused");
        } else if (share >= warnAt) {
            warn(builder, text);
        } else {
            builder.up();
        }
    }
}

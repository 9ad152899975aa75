package jp.tokyo.juki.platform;

/**
 * The warm-up at start (issue 16; {@code juki.warmup.*}): before the gateway opens its ports it rehearses CS updates on
 * a throwaway gateway of the same code, so that the JVM has compiled the hot paths before the first real update
 * arrives (see {@code jp.tokyo.juki.warmup.Rehearsal}).
 */
public final class WarmUpSettings {
    public static final Setting<Integer> SECONDS = Setting.whole("juki.warmup.seconds", 120, "seconds",
            "longest warm-up at start: a throwaway gateway (own scratch PKI, database and broker, loopback ports) takes "
                    + "simulated CS updates until the JIT has compiled the hot paths; 0 = none");
    public static final Setting<Integer> SETTLED_PERCENT = Setting.positive("juki.warmup.settled-percent", 10, "percent",
            "the warm-up ends early once the JIT compiled for less than this share of its last three rounds' time");

    private WarmUpSettings() {
    }
}

package jp.tokyo.juki.cs;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.Setting;
import jp.tokyo.juki.wire.FrameDecoder;

/**
 * The CS line's settings ({@code juki.cs.*}, {@code juki.frame.max}; PROTOCOL §2): where it listens,
 * and its bounds against hostile or broken peers (routes/cs-listener.camel.yaml, docs/protocol.md).
 */
public final class CsLineSettings {
    public static final Setting<String> HOST = Setting.text("juki.cs.host", "0.0.0.0", "address the CS listener binds");
    public static final Setting<Integer> PORT = Setting.port("juki.cs.port", 7443, "port of the CS listener");
    public static final Setting<Integer> FRAME_MAX = Setting.positive("juki.frame.max", FrameDecoder.DEFAULT_MAX, "bytes",
            "largest accepted frame (and largest reply)");
    public static final Setting<Duration> FRAME_TIMEOUT = Setting.duration("juki.cs.frame-timeout-seconds", 10,
            ChronoUnit.SECONDS, "a frame must be complete this long after its first byte, else the connection is closed (E100)");
    public static final Setting<Duration> IDLE_TIMEOUT = Setting.duration("juki.cs.idle-timeout-seconds", 120,
            ChronoUnit.SECONDS, "a connection with no frame received and no reply taken for this long is closed");
    public static final Setting<Integer> MAX_CONNECTIONS_PER_PEER = Setting.positive("juki.cs.max-connections-per-peer", 16,
            "connections", "connections one certificate may hold; one more gets NACK E503 and is closed");
    public static final Setting<Integer> MAX_PENDING_DECODE_BYTES = Setting.positive("juki.cs.max-pending-decode-bytes",
            64 << 20, "bytes", "bytes of incomplete frames all connections together may hold (E503 beyond)");
    public static final Setting<Integer> MAX_UNANSWERED_REQUESTS = Setting.positive("juki.cs.max-unanswered-requests", 256,
            "requests", "a connection is not read while it has this many requests unanswered (reads on at half)");
    public static final Setting<Integer> MAX_UNANSWERED_BYTES = Setting.positive("juki.cs.max-unanswered-bytes", 4 << 20,
            "bytes", "... or while those requests hold more than this many bytes together");
    public static final Setting<Integer> MAX_UNWRITTEN_REPLY_BYTES = Setting.positive("juki.cs.max-unwritten-reply-bytes",
            1 << 20, "bytes", "... or while replies written and not yet taken by its peer exceed this");

    private CsLineSettings() {
    }
}

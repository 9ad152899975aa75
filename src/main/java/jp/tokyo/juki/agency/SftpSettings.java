package jp.tokyo.juki.agency;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;

/** The embedded SFTP server for the agencies' drop folders and its limits ({@code juki.sftp.*}; docs/operations/sftp.md). */
public final class SftpSettings {
    public static final Setting<Boolean> ENABLED = Setting.flag("juki.sftp.enabled", true, "run the embedded SFTP server");
    public static final Setting<String> HOST = Setting.text("juki.sftp.host", "0.0.0.0", "address it binds");
    public static final Setting<Integer> PORT = Setting.port("juki.sftp.port", 2222, "its port (0: any free port)");
    public static final Setting<String> ROOT = Setting.text("juki.sftp.root", "",
            "the drop folders' root (empty: <data>/sftp); with several nodes, storage every node reaches (issue 14)");
    public static final Setting<Integer> QUOTA = Setting.positive("juki.sftp.quota-mb", 256, "MiB",
            "bytes an agency may hold in its inbox/ (a write past it fails, S120)");
    public static final Setting<Duration> PART_MAX_AGE = Setting.duration("juki.sftp.part-max-age-minutes", 60,
            ChronoUnit.MINUTES, "an upload untouched this long is removed (S130)");
    public static final Setting<Duration> SWEEP = Setting.duration("juki.sftp.sweep-seconds", 60, ChronoUnit.SECONDS,
            "how often the folders are swept");
    public static final Setting<Integer> BAN_FAILURES = Setting.whole("juki.sftp.ban-failures", 10, "logins",
            "failed logins from one address within the ban window that ban it (0: never)");
    public static final Setting<Duration> BAN_WINDOW = Setting.duration("juki.sftp.ban-window-minutes", 10,
            ChronoUnit.MINUTES, "the window the failed logins are counted in");
    public static final Setting<Duration> BAN = Setting.duration("juki.sftp.ban-minutes", 15, ChronoUnit.MINUTES,
            "how long a banned address is refused (S140)");
    public static final Setting<Integer> MAX_INBOX_FILES = Setting.positive("juki.sftp.max-inbox-files", 1000, "entries",
            "entries an agency's inbox/ may hold (a new file past it is refused, S120)");
    public static final Setting<Integer> MAX_UNAUTHENTICATED_PER_ADDRESS = Setting.positive(
            "juki.sftp.max-unauthenticated-per-address", 8, "connections",
            "connections from one address not (yet) logged in at once; more are closed");

    private SftpSettings() {
    }

    /** {@code juki.sftp.root}, or {@code <data>/sftp} when it is empty. */
    public static Path root(GatewayConfig config) {
        String root = config.get(ROOT);
        return root == null || root.isBlank() ? config.dataDir().resolve("sftp") : Path.of(root.trim());
    }
}

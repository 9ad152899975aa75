package jp.tokyo.juki.agency;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;

/**
 * The agency flow's settings ({@code juki.agencies}, {@code juki.agency.*}; PROTOCOL §4): who may ask
 * for what, how request files are read and answered, and an agency's external drop folder
 * ({@code juki.agency.<ID>.sftp.*}, instances made with {@link Setting#named}).
 */
public final class AgencySettings {
    public static final Setting<Path> FILE = Setting.file("juki.agencies", "config/agencies.yaml",
            "who may ask for what (agencies, businesses, legal bases, items, My Number)");
    public static final Setting<Duration> POLL = Setting.duration("juki.agency.poll-ms", 1000, ChronoUnit.MILLIS,
            "how often each inbox is looked at");
    public static final Setting<Integer> MAX_FILE = Setting.positive("juki.agency.max-file-mib", 64, "MiB",
            "a request file larger than this is refused (A130)");
    public static final Setting<Integer> MAX_ROWS = Setting.positive("juki.agency.max-rows", 100_000, "rows",
            "a request file with more rows is refused (A130)");
    public static final Setting<Integer> APPROVAL_ROWS = Setting.positive("juki.agency.approval-rows", 10_000, "rows",
            "R-SEC-AUTHZ: a request with more rows waits for a manager (./gateway approvals)");
    public static final Setting<Integer> NATIONAL_PARALLEL = Setting.positive("juki.agency.national-parallel", 8, "queries",
            "national queries asked side by side for one file");
    public static final Setting<Duration> ANSWER_RETENTION = Setting.duration("juki.agency.answer-retention-hours", 72,
            ChronoUnit.HOURS, "R-RET: an answer left in outbox/ longer than this is erased");
    public static final Setting<Duration> SWEEP = Setting.duration("juki.agency.sweep-ms", 60_000, ChronoUnit.MILLIS,
            "how often answers are looked at for collection and retention");
    public static final Setting<Duration> SFTP_TIMEOUT = Setting.duration("juki.agency.sftp-timeout-ms", 30_000,
            ChronoUnit.MILLIS, "an external drop folder: connecting, logging in and each SFTP reply give up after this");
    public static final Setting<Integer> MEMORY_BUDGET = Setting.positive("juki.agency.memory-budget-mb", 320, "MiB",
            "the heap all agencies' request files may use at once");
    public static final Setting<String> SFTP_HOST = Setting.text("juki.agency.<ID>.sftp.host", null,
            "set: the agency's drop folder is on this external SFTP server");
    public static final Setting<Integer> SFTP_PORT = Setting.port("juki.agency.<ID>.sftp.port", 22, "its port");
    public static final Setting<String> SFTP_USER = Setting.text("juki.agency.<ID>.sftp.user", null, "the gateway's login there");
    public static final Setting<String> SFTP_KEY = Setting.text("juki.agency.<ID>.sftp.key", "gateway.key.pem",
            "the gateway's key for it, relative to keystores/");
    public static final Setting<String> SFTP_KNOWN_HOSTS = Setting.text("juki.agency.<ID>.sftp.known-hosts", null,
            "OpenSSH known_hosts file with the server's host key, relative to keystores/");
    public static final Setting<String> SFTP_DIR = Setting.text("juki.agency.<ID>.sftp.dir", ".",
            "the folder holding inbox/ and outbox/ there");

    private AgencySettings() {
    }

    /**
     * The external drop folder of agency {@code id} ({@code juki.agency.<ID>.sftp.*}), or null when its
     * host is not set (its folders are then the embedded server's). key and known-hosts are relative to
     * the keystores directory.
     */
    public static SftpDropFolder.Settings externalDropFolder(GatewayConfig config, String id) {
        String host = config.get(SFTP_HOST.named(id));
        if (host == null) {
            return null;
        }
        Path keystores = config.keystoresDir();
        return new SftpDropFolder.Settings(host, config.get(SFTP_PORT.named(id)), config.require(SFTP_USER.named(id)),
                keystores.resolve(config.get(SFTP_KEY.named(id))), keystores.resolve(config.require(SFTP_KNOWN_HOSTS.named(id))),
                config.get(SFTP_TIMEOUT), config.get(SFTP_DIR.named(id)));
    }
}

package jp.tokyo.juki.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configuration keys the gateway reads, each with the kind of value it takes, so that
 * {@code ./gateway config check} can name a mistyped key or a value of the wrong kind before a
 * start fails on it (or, worse, silently falls back to a default). A {@code juki.*} key not in
 * this table is reported as unknown; {@code camel.*} keys are camel-main's and are checked only
 * where listed.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /** What a value must be; {@code check} answers null when fine, else why not (no value quoted). */
    public enum Kind {
        TEXT, WHOLE, POSITIVE, PORT, BOOLEAN, SIZE, DIRECTORY, FILE, JDBC_URL, BROKER_URL;

        public String check(String value, Path base) {
            String v = value.strip();
            boolean empty = v.isEmpty();
            return switch (this) {
                case TEXT -> null;
                case WHOLE -> empty || v.matches("\\d{1,9}") ? null : "must be a whole number";
                case POSITIVE -> empty || v.matches("0*[1-9]\\d{0,8}") ? null : "must be a whole number of at least 1";
                case PORT -> empty || (v.matches("\\d{1,5}") && Integer.parseInt(v) <= 65535) ? null
                        : "must be a port number (0-65535)";
                case BOOLEAN -> empty || v.equals("true") || v.equals("false") ? null : "must be true or false";
                case SIZE -> empty || v.matches("\\d+(kB|MB|GB)") ? null : "must be a size such as 64MB (kB, MB, GB)";
                case DIRECTORY -> empty || Files.isDirectory(base.resolve(v)) ? null : "directory " + v + " does not exist";
                case FILE -> empty || Files.isRegularFile(base.resolve(v)) ? null : "file " + v + " does not exist";
                case JDBC_URL -> empty || v.startsWith("jdbc:postgresql://") ? null
                        : "must be empty (embedded) or a jdbc:postgresql:// URL";
                case BROKER_URL -> empty || v.matches("(tcp|ssl|vm)://.+|\\(.+\\).*") ? null
                        : "must be empty (embedded) or a broker URL such as tcp://host:61616";
            };
        }
    }

    private static final Map<String, Kind> KEYS = new LinkedHashMap<>();
    private static final Map<Pattern, Kind> PATTERNS = new LinkedHashMap<>();

    static {
        text("juki.data.dir", "juki.keystores.password", "juki.cs.host", "juki.sftp.host", "juki.national.host",
                "juki.national-fuhyo.host", "juki.db.user", "juki.db.password", "juki.broker.user", "juki.broker.password",
                "juki.link.businesses", "juki.broker.acceptor", "juki.agencies");
        KEYS.put("juki.keystores.dir", Kind.DIRECTORY);
        KEYS.put("juki.municipalities", Kind.FILE);
        KEYS.put("juki.db.url", Kind.JDBC_URL);
        KEYS.put("juki.broker.url", Kind.BROKER_URL);
        KEYS.put("juki.sftp.enabled", Kind.BOOLEAN);
        KEYS.put("juki.audit.hash-chain", Kind.BOOLEAN);
        text("juki.operators.administrators");
        for (String port : new String[] {"juki.cs.port", "juki.sftp.port", "juki.national.port", "juki.national-fuhyo.port",
                "juki.db.embedded.port", "camel.management.port"}) {
            KEYS.put(port, Kind.PORT);
        }
        KEYS.put("juki.consistency.part-bytes", Kind.WHOLE);
        for (String size : new String[] {"juki.consistency.work-mem", "juki.consistency.temp-buffers", "juki.db.embedded.shared-buffers"}) {
            KEYS.put(size, Kind.SIZE);
        }
        for (String n : new String[] {"juki.crl.check-seconds", "juki.frame.max", "juki.agency.poll-ms", "juki.agency.max-file-mib",
                "juki.agency.max-rows", "juki.agency.approval-rows", "juki.agency.national-parallel",
                "juki.agency.answer-retention-hours", "juki.agency.sweep-ms", "juki.agency.sftp-timeout-ms",
                "juki.national.timeout-ms", "juki.national.page", "juki.national.period-ms", "juki.national.redelivery-delay-ms",
                "juki.national.max-redelivery-delay-ms", "juki.national.query-timeout-ms", "juki.relay.period-ms", "juki.relay.page",
                "juki.batch.writers", "juki.batch.max", "juki.consistency.max-sessions", "juki.consistency.max-sessions-per-sender",
                "juki.consistency.idle-timeout-s", "juki.consistency.sweep-ms", "juki.consistency.threads",
                "juki.consistency.read-ahead", "juki.db.admin.pool-size", "juki.db.connect-timeout-ms", "juki.link.max-hold-days",
                "juki.link.purge-period-ms", "juki.link.report-period-ms", "juki.link.erase-wait-ms", "juki.observe.sample-ms",
                "juki.observe.national-probe-ms", "juki.observe.cert-warn-days", "juki.observe.check-timeout-ms",
                "juki.audit.checkpoint-seconds", "juki.audit.max-lag-seconds",
                "camel.main.shutdown-timeout"}) {
            KEYS.put(n, Kind.POSITIVE);
        }
        KEYS.put("juki.agency.memory-budget-mb", Kind.POSITIVE); // issue 15 finding 6
        // the CS line's bounds against hostile peers (issue 15; routes/cs-listener.camel.yaml)
        for (String n : new String[] {"juki.cs.frame-timeout-seconds", "juki.cs.idle-timeout-seconds",
                "juki.cs.max-connections-per-peer", "juki.cs.max-pending-decode-bytes", "juki.cs.max-unanswered-requests",
                "juki.cs.max-unwritten-reply-bytes", "juki.cs.max-unanswered-bytes", "juki.observe.direct-memory-warn-percent",
                "juki.observe.direct-memory-down-percent"}) {
            KEYS.put(n, Kind.POSITIVE);
        }
        // retries may be none
        KEYS.put("juki.national.max-redeliveries", Kind.WHOLE);
        // SFTP drop folder limits (DropFolderServer.Settings); 0 failures: never ban
        for (String n : new String[] {"juki.sftp.quota-mb", "juki.sftp.part-max-age-minutes", "juki.sftp.sweep-seconds",
                "juki.sftp.ban-window-minutes", "juki.sftp.ban-minutes"}) {
            KEYS.put(n, Kind.POSITIVE);
        }
        KEYS.put("juki.sftp.ban-failures", Kind.WHOLE);
        // SFTP: entries per inbox/, connections not logged in per address at once (issue 15 review)
        KEYS.put("juki.sftp.max-inbox-files", Kind.POSITIVE);
        KEYS.put("juki.sftp.max-unauthenticated-per-address", Kind.POSITIVE);
        PATTERNS.put(Pattern.compile("juki\\.db\\.[a-z_]+\\.(user|password)"), Kind.TEXT);
        PATTERNS.put(Pattern.compile("juki\\.db\\.[a-z_]+\\.pool-size"), Kind.POSITIVE);
        PATTERNS.put(Pattern.compile("juki\\.agency\\.[A-Za-z0-9_-]+\\.sftp\\.(host|user|key|known-hosts|dir)"), Kind.TEXT);
        PATTERNS.put(Pattern.compile("juki\\.agency\\.[A-Za-z0-9_-]+\\.sftp\\.port"), Kind.PORT);
    }

    private static void text(String... keys) {
        for (String k : keys) {
            KEYS.put(k, Kind.TEXT);
        }
    }

    /** The kind of a key's value, or null when the gateway does not know the key. */
    public static Kind kindOf(String key) {
        Kind k = KEYS.get(key);
        if (k != null) {
            return k;
        }
        for (Map.Entry<Pattern, Kind> e : PATTERNS.entrySet()) {
            if (e.getKey().matcher(key).matches()) {
                return e.getValue();
            }
        }
        return null;
    }
}

package jp.tokyo.juki.retention;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;

/**
 * The {@code juki.retention.*} settings (SPEC R-RET), checked when the gateway starts: the periods
 * of the four jobs, the time of day (JST) their timers run at, a switch per job, the chunk size of
 * an erasure and how long an erasure waits for older transactions before its VACUUM. A history
 * period under 150 years or a resend window under a week is refused: the first would break
 * 施行令30条の6, the second would turn a CS's late resend into a second application.
 *
 * @param historyYears          history rows and deleted persons are kept this many years
 * @param acceptedRequestDays   an accepted (sender, id) answers DUPLICATE for this many days
 * @param provisionYears        provision records are kept this many years
 * @param auditArchiveYears     audit archives are kept this many years after their export
 * @param at                    the time of day (JST) the jobs run at
 * @param enabled               the jobs whose timers run
 * @param batch                 rows deleted per transaction
 * @param checkPeriod           how often each job's timer looks whether its run is due
 * @param eraseWait             how long an erasure waits for older transactions to end before its VACUUM
 */
public record RetentionSettings(int historyYears, int acceptedRequestDays, int provisionYears, int auditArchiveYears,
                                LocalTime at, Set<RetentionJob> enabled, int batch, Duration checkPeriod,
                                Duration eraseWait) {
    /** 施行令30条の6: history and deleted persons are kept 150 years. */
    public static final int LEGAL_HISTORY_YEARS = 150;
    /** The shortest resend window allowed (docs/protocol.md, DUPLICATE). */
    public static final int MIN_ACCEPTED_REQUEST_DAYS = 7;

    public static final Setting<Integer> HISTORY_YEARS = Setting.positive("juki.retention.history-years", LEGAL_HISTORY_YEARS,
            "years", "years history rows and deleted persons are kept before the history job erases them")
            .range(LEGAL_HISTORY_YEARS, 1000, "施行令30条の6: kept 150 years");
    public static final Setting<Integer> ACCEPTED_REQUEST_DAYS = Setting.positive("juki.retention.accepted-request-days", 90,
            "days", "days an accepted (sender, id) still answers DUPLICATE (the resend window) before it is erased")
            .range(MIN_ACCEPTED_REQUEST_DAYS, 3650, "a CS may resend an unanswered request for at least a week");
    public static final Setting<Integer> PROVISION_YEARS = Setting.positive("juki.retention.provision-years", 7, "years",
            "years provision records (agency.provision) are kept before the provisions job erases them")
            .range(1, 150, "a provision record is what a resident is shown (R-DISC)");
    public static final Setting<Integer> AUDIT_ARCHIVE_YEARS = Setting.positive("juki.retention.audit-archive-years", 7,
            "years", "years an audit archive in juki.audit.export-dir is kept after its export")
            .range(1, 150, "archives hold the audit record of every exchange");
    public static final Setting<String> AT = Setting.text("juki.retention.at", "02:30",
            "time of day (HH:MM, Japan time) the retention jobs run at, each once a day");
    public static final Setting<Boolean> HISTORY_ENABLED = Setting.flag("juki.retention.history.enabled", true,
            "whether the history job runs on its timer");
    public static final Setting<Boolean> ACCEPTED_REQUESTS_ENABLED = Setting.flag("juki.retention.accepted-requests.enabled",
            true, "whether the accepted-requests job runs on its timer");
    public static final Setting<Boolean> PROVISIONS_ENABLED = Setting.flag("juki.retention.provisions.enabled", true,
            "whether the provisions job runs on its timer");
    public static final Setting<Boolean> AUDIT_ARCHIVES_ENABLED = Setting.flag("juki.retention.audit-archives.enabled", true,
            "whether the audit-archives job runs on its timer");
    public static final Setting<Integer> BATCH = Setting.positive("juki.retention.batch-size", 1000, "rows",
            "rows an erasure deletes per transaction (short locks: CS updates never wait long)").range(1, 100_000, "");
    public static final Setting<Duration> CHECK_PERIOD = Setting.duration("juki.retention.check-period-ms", 60_000,
            ChronoUnit.MILLIS, "how often each job's timer looks whether its daily run is due");
    public static final Setting<Duration> ERASE_WAIT = Setting.duration("juki.retention.erase-wait-ms", 10_000,
            ChronoUnit.MILLIS, "how long an erasure waits for transactions older than it to end before its VACUUM");

    public RetentionSettings {
        enabled = enabled.isEmpty() ? EnumSet.noneOf(RetentionJob.class) : EnumSet.copyOf(enabled);
        if (historyYears < LEGAL_HISTORY_YEARS) {
            throw new IllegalArgumentException("configuration: juki.retention.history-years is " + historyYears
                    + "; it must be at least " + LEGAL_HISTORY_YEARS + " (施行令30条の6)");
        }
        if (acceptedRequestDays < MIN_ACCEPTED_REQUEST_DAYS) {
            throw new IllegalArgumentException("configuration: juki.retention.accepted-request-days is " + acceptedRequestDays
                    + "; it must be at least " + MIN_ACCEPTED_REQUEST_DAYS);
        }
    }

    /** The settings of {@code config}; refuses a time of day that is not HH:MM. */
    public static RetentionSettings from(GatewayConfig config) {
        LocalTime at;
        try {
            at = LocalTime.parse(config.get(AT).strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("configuration: " + AT.key() + " must be a time of day such as 02:30");
        }
        Set<RetentionJob> enabled = EnumSet.noneOf(RetentionJob.class);
        if (config.get(HISTORY_ENABLED)) {
            enabled.add(RetentionJob.HISTORY);
        }
        if (config.get(ACCEPTED_REQUESTS_ENABLED)) {
            enabled.add(RetentionJob.ACCEPTED_REQUESTS);
        }
        if (config.get(PROVISIONS_ENABLED)) {
            enabled.add(RetentionJob.PROVISIONS);
        }
        if (config.get(AUDIT_ARCHIVES_ENABLED)) {
            enabled.add(RetentionJob.AUDIT_ARCHIVES);
        }
        return new RetentionSettings(config.get(HISTORY_YEARS), config.get(ACCEPTED_REQUEST_DAYS),
                config.get(PROVISION_YEARS), config.get(AUDIT_ARCHIVE_YEARS), at, enabled, config.get(BATCH),
                config.get(CHECK_PERIOD), config.get(ERASE_WAIT));
    }

    /** The job's period as the status and the audit name it: {@code 150 years}, {@code 90 days}. */
    public String period(RetentionJob job) {
        return switch (job) {
            case HISTORY -> historyYears + " years";
            case ACCEPTED_REQUESTS -> acceptedRequestDays + " days";
            case PROVISIONS -> provisionYears + " years";
            case AUDIT_ARCHIVES -> auditArchiveYears + " years";
        };
    }
}

package jp.tokyo.juki.retention;

import java.util.Locale;

/** The retention jobs, each one route on a timer ({@code routes/retention.camel.yaml}) and one name on the API and CLI. */
public enum RetentionJob {
    /** history rows and deleted persons past {@code juki.retention.history-years} (150, 施行令30条の6) */
    HISTORY("history"),
    /** the idempotency records {@code accepted_request} of both stores past the resend window */
    ACCEPTED_REQUESTS("accepted-requests"),
    /** the provision records {@code agency.provision} past {@code juki.retention.provision-years} */
    PROVISIONS("provisions"),
    /** audit archives in {@code juki.audit.export-dir} past {@code juki.retention.audit-archive-years} */
    AUDIT_ARCHIVES("audit-archives");

    private final String id;

    RetentionJob(String id) {
        this.id = id;
    }

    /** The job's name on the API, the CLI, in settings and in the audit: {@code history}, {@code accepted-requests}, … */
    public String id() {
        return id;
    }

    /** The job named {@code id}, or null. */
    public static RetentionJob of(String id) {
        if (id == null) {
            return null;
        }
        for (RetentionJob j : values()) {
            if (j.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
                return j;
            }
        }
        return null;
    }
}

package jp.tokyo.juki.audit;

/**
 * Where an audited exchange happened: the {@code line} column of {@code audit.record}, stored as
 * {@link #text()}.
 */
public enum AuditLine {
    /** the CS line: requests of the municipalities' CS, refused handshakes and connections */
    CS("cs"),
    /** the lines to the national servers: notices, queries, dead letters */
    NATIONAL("national"),
    /** agency files: requests, approvals, answers */
    AGENCY("agency"),
    /** the agencies' SFTP drop folders: refused logins and requests, sweeps, bans, the host key */
    SFTP("sftp"),
    /** R-LINK: My Numbers obtained, held and erased for a delivery */
    LINK("link"),
    /** operators: the operator API and console, the operator register, host tools (bootstrap) */
    OPERATOR("operator"),
    /** the audit itself: a record the store refused, set aside */
    AUDIT("audit");

    private final String text;

    AuditLine(String text) {
        this.text = text;
    }

    /** The value as stored. */
    public String text() {
        return text;
    }
}

package jp.tokyo.juki.backup;

/**
 * A backup or restore refused: a code ({@code Bnnn} backup, {@code Rnnn} restore, or the login's
 * {@code Lnnn}) and a reason that names the step, never a person's data.
 */
public final class BackupRefused extends Exception {
    private final String code;

    public BackupRefused(String code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public String reason() {
        return getMessage();
    }
}

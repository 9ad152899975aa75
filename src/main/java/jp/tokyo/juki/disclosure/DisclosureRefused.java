package jp.tokyo.juki.disclosure;

/**
 * A disclosure, form-register or correction action refused: a code and a reason that names the
 * field or the rule at fault, never a value the operator typed (it may be personal data).
 */
public final class DisclosureRefused extends Exception {
    /** A field is missing or malformed (named, never quoted). */
    public static final String INVALID = "J400";
    /** Separation of duties, or an auditor recording in the form register: the operator may not take this step. */
    public static final String NOT_YOURS = "J403";
    /** No such request, form or correction. */
    public static final String NO_SUCH = "J404";
    /** The step does not fit the state: a request not MATCHED, a form already destroyed, a correction closed. */
    public static final String STATE = "J409";
    /** The action's audit record could not be written: nothing was done. */
    public static final String NOT_AUDITED = "A503";

    private final String code;

    public DisclosureRefused(String code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The HTTP status of a refusal code. */
    public static int status(String code) {
        return switch (code) {
            case INVALID -> 400;
            case NOT_YOURS -> 403;
            case NO_SUCH -> 404;
            case NOT_AUDITED -> 503;
            default -> 409;
        };
    }
}

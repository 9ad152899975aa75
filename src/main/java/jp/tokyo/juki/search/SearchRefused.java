package jp.tokyo.juki.search;

/** A search or report the capability refuses: a code and a reason naming the field, never its value. */
public final class SearchRefused extends Exception {
    /** A field of the request is missing or malformed (no purpose, no key, a bad key or range). */
    public static final String INVALID = "K400";
    /** The action's audit record could not be written: nothing was shown. */
    public static final String NOT_AUDITED = "A503";

    private final String code;

    SearchRefused(String code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The HTTP status of the refusal. */
    public int status() {
        return NOT_AUDITED.equals(code) ? 503 : 400;
    }
}

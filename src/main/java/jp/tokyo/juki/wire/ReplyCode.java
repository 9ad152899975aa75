package jp.tokyo.juki.wire;

/** The reply codes of PROTOCOL §2.3. */
public enum ReplyCode {
    I000("accepted"),
    E100("malformed frame or JSON"),
    E101("unsupported protocol version"),
    E102("unknown message type"),
    E110("item missing, unknown or badly formed"),
    E120("check digit wrong"),
    E130("sender does not match the certificate"),
    E131("municipality not handled by this prefecture"),
    E140("logical check failed"),
    E150("consistency session error"),
    E503("temporarily unable to accept");

    private final String meaning;

    ReplyCode(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}

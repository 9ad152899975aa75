package jp.tokyo.juki.wire;

/** A request refused before it reached a flow: the code, a detail without personal data, and the id if readable. */
public final class WireRefusal extends Exception {
    private final ReplyCode code;
    private final String requestId;

    public WireRefusal(ReplyCode code, String detail, String requestId) {
        super(detail, null, false, false);
        this.code = code;
        this.requestId = requestId;
    }

    public ReplyCode code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }

    public Reply toReply() {
        return Reply.nack(requestId, code, getMessage());
    }
}

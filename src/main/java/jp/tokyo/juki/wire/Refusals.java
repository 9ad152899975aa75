package jp.tokyo.juki.wire;

import jp.tokyo.juki.record.Violation;

/**
 * Which reply code answers which class of item rule (PROTOCOL §3.4): the one place where the
 * wire contract reads {@code record}. Shared by every line that refuses a record — the update
 * flows and the consistency check alike.
 */
public final class Refusals {
    private Refusals() {
    }

    public static ReplyCode codeOf(Violation v) {
        return switch (v.rule()) {
            case ITEM -> ReplyCode.E110;
            case CHECK_DIGIT -> ReplyCode.E120;
            case SENDER -> ReplyCode.E130;
            case PREFECTURE -> ReplyCode.E131;
        };
    }
}

package jp.tokyo.juki.cs;

import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.ReplyCode;

/** Which reply code answers which class of item rule (PROTOCOL §3.4). */
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

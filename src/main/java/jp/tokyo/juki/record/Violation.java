package jp.tokyo.juki.record;

/**
 * A breach of an item rule of PROTOCOL §3. The detail names the item and the rule, never the
 * value, so it can be sent back to the peer and logged as it is.
 */
public final class Violation extends Exception {
    /** Which class of rule was broken; the wire layer maps each to its reply code. */
    public enum Rule {
        /** missing, unknown or badly formed item (E110) */ ITEM,
        /** wrong check digit (E120) */ CHECK_DIGIT,
        /** code does not match the sender's certificate (E130) */ SENDER,
        /** municipality not handled by this prefecture (E131) */ PREFECTURE
    }

    private final Rule rule;

    public Violation(Rule rule, String detail) {
        super(detail, null, false, false);
        this.rule = rule;
    }

    public Rule rule() {
        return rule;
    }

    public String detail() {
        return getMessage();
    }

    public static Violation item(String item, String rule) {
        return new Violation(Rule.ITEM, item + ": " + rule);
    }
}

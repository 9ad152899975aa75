package jp.tokyo.juki.store;

/**
 * What a store's logical checks say of one update against the store (SPEC R-VAL-LOGIC, 評価書
 * Ⅲ-2 リスク3): it passes, or it is refused by a named rule — answered {@code E140} with the
 * rule as its detail. The rule names the rule, never the person.
 */
public sealed interface LogicCheck {

    /** The update may be applied. */
    LogicCheck PASSED = new Passed();

    /** Refused by {@code rule}. */
    static LogicCheck refused(String rule) {
        return new Refused(rule);
    }

    /** Every check passed. */
    record Passed() implements LogicCheck {
    }

    /** @param rule the E140 detail, e.g. {@code R-VAL-LOGIC entry: person is already a current resident} */
    record Refused(String rule) implements LogicCheck {
    }
}

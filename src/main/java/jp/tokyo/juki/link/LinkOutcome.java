package jp.tokyo.juki.link;

/** What {@link MyNumberLink#obtain} answers: the number, or the refusal with its code. */
public sealed interface LinkOutcome permits LinkOutcome.Granted, LinkOutcome.Refused {

    /**
     * The My Number, held until the delivery is confirmed or the maximum has passed.
     *
     * @param heldCopy true when the delivery already held it (a repeated delivery gets exactly
     *                 what the first attempt had, not a fresh extraction)
     */
    record Granted(String myNumber, boolean heldCopy) implements LinkOutcome {
        /** Never the number: outcomes end up in log lines and assertion messages. */
        @Override
        public String toString() {
            return "Granted[myNumber=(12 digits), heldCopy=" + heldCopy + "]";
        }
    }

    record Refused(LinkRefusal refusal) implements LinkOutcome {
    }
}

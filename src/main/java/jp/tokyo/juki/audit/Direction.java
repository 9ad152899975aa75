package jp.tokyo.juki.audit;

/** Who asked: the {@code direction} column of {@code audit.record}, stored as {@link #text()}. */
public enum Direction {
    /** a peer's (or an operator's) request to the gateway, or what happened to the gateway itself */
    IN("in"),
    /** the gateway's request to a peer, or what it did on its own to what it holds */
    OUT("out");

    private final String text;

    Direction(String text) {
        this.text = text;
    }

    /** The value as stored. */
    public String text() {
        return text;
    }
}

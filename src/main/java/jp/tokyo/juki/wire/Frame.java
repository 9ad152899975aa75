package jp.tokyo.juki.wire;

/**
 * One received frame (PROTOCOL §2.1): its payload, or the fact that the length prefix was out
 * of bounds — the receiver then answers {@code E100} and closes the connection.
 */
public record Frame(byte[] payload, boolean oversize) {
    public static Frame of(byte[] payload) {
        return new Frame(payload, false);
    }

    public static Frame tooLong() {
        return new Frame(new byte[0], true);
    }
}

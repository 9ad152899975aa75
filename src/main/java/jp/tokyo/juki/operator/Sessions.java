package jp.tokyo.juki.operator;

/** PLACEHOLDER (replaced by h12-operator). */
public final class Sessions {
    public sealed interface Resolved permits Live, Refused {
    }

    public record Live(Authenticated session) implements Resolved {
    }

    public record Refused(String code, String reason) implements Resolved {
    }

    public Resolved resolve(String token, String certFingerprint) {
        throw new UnsupportedOperationException();
    }

    public void end(String token, String reason) {
    }

    public int sweep() {
        return 0;
    }
}

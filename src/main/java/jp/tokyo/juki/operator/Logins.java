package jp.tokyo.juki.operator;

/** PLACEHOLDER (replaced by h12-operator). */
public final class Logins {
    public sealed interface Result permits LoggedIn, Refused {
    }

    public record LoggedIn(String token, Authenticated session) implements Result {
    }

    public record Refused(String code, String reason) implements Result {
    }

    public Result login(String operatorId, String certFingerprint, char[] password, String terminal) {
        throw new UnsupportedOperationException();
    }
}

package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.util.Arrays;
import jp.tokyo.juki.api.OperatorsApi;
import jp.tokyo.juki.operator.Logins;
import jp.tokyo.juki.operator.OperatorRegister.Refused;
import jp.tokyo.juki.operator.PasswordPolicy;
import org.apache.camel.Exchange;

/**
 * "Change my password" for every operator (routes/console-operators.camel.yaml): the current
 * password (a wrong one counts towards the lockout, as at a login) and the new one twice (the
 * password policy applies). The same capability call as {@code /api/session/password}
 * ({@link Logins#changePassword}), audited by the register with the operator themselves.
 */
public final class PasswordPage {
    static final String PATH = "/console/password";

    static {
        ConsoleText.add("pw.title", "パスワード変更", "Change my password");
        ConsoleText.add("pw.current", "現在のパスワード", "Current password");
        ConsoleText.add("pw.new", "新しいパスワード", "New password");
        ConsoleText.add("pw.again", "新しいパスワード（確認）", "New password again");
        ConsoleText.add("pw.submit", "変更する", "Change");
        ConsoleText.add("pw.done", "パスワードを変更しました。次回のログインから新しいパスワードを使ってください。",
                "Your password was changed. Use the new one at your next login.");
        ConsoleText.add("pw.rules", PasswordPolicy.MIN + "〜" + PasswordPolicy.MAX
                        + "文字。よく使われる語、自分のIDや氏名、同じ文字や連続した文字の繰り返しは使えません。",
                PasswordPolicy.MIN + " to " + PasswordPolicy.MAX + " characters; not a common word, not your ID or name, "
                        + "no runs of one character or of a sequence.");
        ConsoleText.add("pw.differ", "新しいパスワードが確認欄と一致しません", "the two new passwords differ");
    }

    private final Logins logins;

    public PasswordPage(Logins logins) {
        this.logins = logins;
    }

    /** {@code GET /console/password}: the form (after a change, {@code ?done=changed}, with a note). */
    public void form(Exchange e) {
        Console c = new Console(e);
        StringBuilder b = new StringBuilder(2048);
        if ("changed".equals(Console.query(e.getMessage(), "done"))) {
            b.append("<p class=\"ok\" id=\"done\">").append(esc(c.t("pw.done"))).append("</p>");
        }
        b.append("<p class=\"note\">").append(esc(c.t("pw.rules"))).append("</p>")
                .append("<form method=\"post\" action=\"").append(PATH).append("\" id=\"password-form\">").append(c.csrf())
                .append(field(c, "pw.current", "current", "current-password"))
                .append(field(c, "pw.new", "new", "new-password"))
                .append(field(c, "pw.again", "again", "new-password"))
                .append("<div class=\"buttons\"><button type=\"submit\" id=\"password-submit\">").append(esc(c.t("pw.submit")))
                .append("</button></div></form>");
        c.page(200, c.t("pw.title"), b.toString());
    }

    /** {@code POST /console/password}: current, new, again. */
    public void change(Exchange e) {
        Console c = new Console(e);
        String fresh = c.field("new");
        if (fresh == null || !fresh.equals(c.field("again"))) {
            c.refused(400, "O400", c.t("pw.differ"), PATH);
            return;
        }
        char[] current = chars(c.field("current"));
        char[] next = fresh.toCharArray();
        try {
            logins.changePassword(c.session().operatorId(), current, next);
            c.redirect(PATH + "?done=changed");
        } catch (Refused r) {
            c.refused(OperatorsApi.status(r.code()), r.code(), r.reason(), PATH);
        } finally {
            if (current != null) {
                Arrays.fill(current, '\0');
            }
            Arrays.fill(next, '\0');
        }
    }

    private static String field(Console c, String key, String name, String autocomplete) {
        return "<label>" + esc(c.t(key)) + " <input type=\"password\" name=\"" + name + "\" id=\"password-" + name
                + "\" required maxlength=\"" + PasswordPolicy.MAX + "\" autocomplete=\"" + autocomplete + "\"></label>";
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }
}

package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.util.List;
import jp.tokyo.juki.operator.Operator;
import jp.tokyo.juki.operator.PasswordPolicy;
import jp.tokyo.juki.operator.Role;

/**
 * The administrators' forms of the operator register page ({@link OperatorPages}): issue an
 * operator; grant or withdraw a role; set the terminals; reset a password; lift a lockout; record a
 * review; revoke with a reason. Each is a POST with the session's CSRF token; an operator is chosen
 * from the active ones (the register refuses what the separation of duties does not allow, with
 * the rule). Element ids: {@code <form>-form}, {@code <form>-id}, {@code <form>-submit}.
 */
final class OperatorForms {
    private static final String BASE = "/console/operators/";

    static {
        ConsoleText.add("op.form.issue", "操作者の発行", "Issue an operator");
        ConsoleText.add("op.form.role", "役割の付与・取消", "Grant or withdraw a role");
        ConsoleText.add("op.form.terminals", "使用端末の設定", "Set the terminals");
        ConsoleText.add("op.form.reset", "パスワードの再設定", "Reset a password");
        ConsoleText.add("op.form.unlock", "ロックの解除", "Lift a lockout");
        ConsoleText.add("op.form.review", "確認の記録（年次確認）", "Record a review (yearly review)");
        ConsoleText.add("op.form.revoke", "操作者の失効", "Revoke an operator");
        ConsoleText.add("op.terminals.hint", "カンマまたは空白で区切る（例: ws-01, ws-02）", "separated by commas or spaces (e.g. ws-01, ws-02)");
        ConsoleText.add("op.initial-password", "初期パスワード", "Initial password");
        ConsoleText.add("op.new-password", "新しいパスワード", "New password");
        ConsoleText.add("op.password.hint", PasswordPolicy.MIN + "〜" + PasswordPolicy.MAX + "文字。本人に安全な方法で伝えてください。",
                PasswordPolicy.MIN + " to " + PasswordPolicy.MAX + " characters; hand it to the operator safely.");
        ConsoleText.add("op.role", "役割", "Role");
        ConsoleText.add("op.issue", "発行する", "Issue");
        ConsoleText.add("op.grant", "付与する", "Grant");
        ConsoleText.add("op.withdraw", "取り消す", "Withdraw");
        ConsoleText.add("op.set", "設定する", "Set");
        ConsoleText.add("op.reset", "再設定する", "Reset");
        ConsoleText.add("op.unlock", "解除する", "Unlock");
        ConsoleText.add("op.review", "確認済みにする", "Mark reviewed");
        ConsoleText.add("op.revoke", "失効させる", "Revoke");
        ConsoleText.add("op.revoke.note", "失効は取り消せません（同じIDは二度と発行されません）。",
                "A revocation is final (the ID is never issued again).");
        ConsoleText.add("op.choose", "選択してください", "Choose");
        ConsoleText.add("op.rules", "自分自身の登録は変更できません。システム管理者と監査担当者、保守担当者と個人情報を扱う役割は兼ねられません。",
                "Nobody changes their own entry. Administrator and auditor are never held together, nor maintainer with a "
                        + "role that sees personal data.");
    }

    private OperatorForms() {
    }

    /** Every form, for the administrators; {@code active}: the operators that may be changed. */
    static void all(Console c, StringBuilder b, List<Operator> active) {
        b.append("<p class=\"note\">").append(esc(c.t("op.rules"))).append("</p><div class=\"forms\">");
        issue(c, b);
        form(c, b, "role", "grant", "op.form.role", select(c, "role", active) + roleSelect(c)
                + "<div class=\"buttons\"><button type=\"submit\" id=\"grant-submit\">" + esc(c.t("op.grant"))
                + "</button><button type=\"submit\" id=\"withdraw-submit\" formaction=\"" + BASE + "withdraw\">"
                + esc(c.t("op.withdraw")) + "</button></div>", null);
        form(c, b, "terminals", "terminals", "op.form.terminals", select(c, "terminals", active)
                + label(c, "op.terminals", "<input name=\"terminals\" id=\"terminals-terminals\" required maxlength=\"2000\" "
                + "autocomplete=\"off\" placeholder=\"ws-01, ws-02\">", "op.terminals.hint"), "op.set");
        form(c, b, "reset", "reset-password", "op.form.reset", select(c, "reset", active)
                + label(c, "op.new-password", password("password", "reset-password"), "op.password.hint"), "op.reset");
        form(c, b, "unlock", "unlock", "op.form.unlock", select(c, "unlock", active), "op.unlock");
        form(c, b, "review", "review", "op.form.review", select(c, "review", active), "op.review");
        form(c, b, "revoke", "revoke", "op.form.revoke", select(c, "revoke", active)
                + label(c, "reason", "<input name=\"reason\" id=\"revoke-reason\" required maxlength=\"200\" autocomplete=\"off\">",
                null) + "<p class=\"note\">" + esc(c.t("op.revoke.note")) + "</p>", "op.revoke");
        b.append("</div>");
    }

    /** On the review report: one button per operator due, recording their review and coming back to the report. */
    static void reviewFromReport(Console c, StringBuilder b, List<Operator> due) {
        b.append("<div class=\"inline-forms\" id=\"review-due\">");
        for (Operator o : due) {
            b.append("<form method=\"post\" action=\"").append(BASE).append("review\" class=\"inline\">").append(c.csrf())
                    .append("<input type=\"hidden\" name=\"id\" value=\"").append(esc(o.id())).append("\">")
                    .append("<input type=\"hidden\" name=\"next\" value=\"report\">")
                    .append("<button type=\"submit\" id=\"review-").append(esc(o.id())).append("\">").append(esc(o.id()))
                    .append(": ").append(esc(c.t("op.review"))).append("</button></form>");
        }
        b.append("</div>");
    }

    private static void issue(Console c, StringBuilder b) {
        StringBuilder roles = new StringBuilder("<fieldset><legend>").append(esc(c.t("roles"))).append("</legend>");
        for (Role r : Role.values()) {
            roles.append("<label class=\"inline\"><input type=\"checkbox\" name=\"role-").append(r.text()).append("\" id=\"issue-role-")
                    .append(r.text()).append("\" value=\"on\"> ").append(esc(OperatorPages.roleName(c, r))).append("</label>");
        }
        roles.append("</fieldset>");
        form(c, b, "issue", "issue", "op.form.issue",
                label(c, "op.id", "<input name=\"id\" id=\"issue-id\" required maxlength=\"32\" autocomplete=\"off\" "
                        + "placeholder=\"tanaka\">", null)
                        + label(c, "op.name", "<input name=\"displayName\" id=\"issue-name\" required maxlength=\""
                        + Operator.NAME + "\" autocomplete=\"off\">", null)
                        + roles
                        + label(c, "op.terminals", "<input name=\"terminals\" id=\"issue-terminals\" required maxlength=\"2000\" "
                        + "autocomplete=\"off\" placeholder=\"ws-01, ws-02\">", "op.terminals.hint")
                        + label(c, "op.initial-password", password("initialPassword", "issue-password"), "op.password.hint"),
                "op.issue");
    }

    /**
     * One form: {@code <name>-form} posting to {@code /console/operators/<action>}, under a heading,
     * with the CSRF token, the fields and (when {@code button} is not null) one submit button
     * {@code <name>-submit}.
     */
    private static void form(Console c, StringBuilder b, String name, String action, String title, String fields, String button) {
        b.append("<section class=\"form\" id=\"").append(name).append("-section\"><h2>").append(esc(c.t(title))).append("</h2>")
                .append("<form method=\"post\" action=\"").append(BASE).append(action).append("\" id=\"").append(name)
                .append("-form\" autocomplete=\"off\">").append(c.csrf()).append(fields);
        if (button != null) {
            b.append("<div class=\"buttons\"><button type=\"submit\" id=\"").append(name).append("-submit\"")
                    .append("revoke".equals(name) ? " class=\"danger\"" : "").append(">").append(esc(c.t(button)))
                    .append("</button></div>");
        }
        b.append("</form></section>");
    }

    private static String label(Console c, String key, String input, String hint) {
        return "<label>" + esc(c.t(key)) + " " + input + (hint == null ? "" : " <small>" + esc(c.t(hint)) + "</small>") + "</label>";
    }

    private static String password(String name, String id) {
        return "<input type=\"password\" name=\"" + name + "\" id=\"" + id + "\" required minlength=\"" + PasswordPolicy.MIN
                + "\" maxlength=\"" + PasswordPolicy.MAX + "\" autocomplete=\"new-password\">";
    }

    /** The operator a form changes: one of the active ones. */
    private static String select(Console c, String form, List<Operator> active) {
        StringBuilder s = new StringBuilder("<label>").append(esc(c.t("op.id"))).append(" <select name=\"id\" id=\"").append(form)
                .append("-id\" required><option value=\"\">").append(esc(c.t("op.choose"))).append("</option>");
        for (Operator o : active) {
            s.append("<option value=\"").append(esc(o.id())).append("\">").append(esc(o.id())).append(" — ")
                    .append(esc(o.displayName())).append("</option>");
        }
        return s.append("</select></label>").toString();
    }

    private static String roleSelect(Console c) {
        StringBuilder s = new StringBuilder("<label>").append(esc(c.t("op.role")))
                .append(" <select name=\"role\" id=\"role-role\" required><option value=\"\">").append(esc(c.t("op.choose")))
                .append("</option>");
        for (Role r : Role.values()) {
            s.append("<option value=\"").append(r.text()).append("\">").append(esc(OperatorPages.roleName(c, r))).append("</option>");
        }
        return s.append("</select></label>").toString();
    }
}

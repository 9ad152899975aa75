package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jp.tokyo.juki.api.OperatorsApi;
import jp.tokyo.juki.operator.Operator;
import jp.tokyo.juki.operator.OperatorRegister;
import jp.tokyo.juki.operator.OperatorRegister.Refused;
import jp.tokyo.juki.operator.Permission;
import jp.tokyo.juki.operator.ReviewReport;
import jp.tokyo.juki.operator.Role;
import org.apache.camel.Exchange;

/**
 * The operator register on the console (routes/console-operators.camel.yaml): the list of operators
 * with their status, roles, terminals, last login, last review and lockout, and the yearly review
 * report, for administrators and auditors; for administrators the forms that issue an operator,
 * grant or withdraw a role, set the terminals, reset a password, lift a lockout, record a review and
 * revoke with a reason ({@link OperatorForms}). Each form calls the register as the session's
 * operator, as the API does ({@link OperatorsApi}); a refusal shows the register's code.
 */
public final class OperatorPages {
    static final String LIST = "/console/operators";
    static final String REPORT = "/console/operators/report";
    /** the actions a change may report back on the list (?done=…) */
    private static final Set<String> ACTIONS = Set.of("issue", "grant", "withdraw", "terminals", "reset-password", "unlock",
            "review", "revoke");

    static {
        ConsoleText.add("op.title", "操作者管理", "Operators");
        ConsoleText.add("op.report", "年次確認報告", "Yearly review report");
        ConsoleText.add("op.id", "操作者ID", "Operator ID");
        ConsoleText.add("op.name", "氏名", "Name");
        ConsoleText.add("op.status", "状態", "Status");
        ConsoleText.add("op.status.ACTIVE", "有効", "active");
        ConsoleText.add("op.status.REVOKED", "失効", "revoked");
        ConsoleText.add("op.terminals", "使用端末", "Terminals");
        ConsoleText.add("op.last-login", "最終ログイン", "Last login");
        ConsoleText.add("op.last-review", "最終確認", "Last review");
        ConsoleText.add("op.locked-until", "ロック解除予定", "Locked until");
        ConsoleText.add("op.issued", "発行", "Issued");
        ConsoleText.add("op.none", "該当する操作者はいません。", "No operator.");
        ConsoleText.add("op.count", "操作者数", "Operators");
        ConsoleText.add("op.done.issue", "操作者を発行しました。証明書は pki issue-operator で発行してください。",
                "The operator was issued. Issue their certificate with pki issue-operator.");
        ConsoleText.add("op.done.grant", "役割を付与しました。", "The role was granted.");
        ConsoleText.add("op.done.withdraw", "役割を取り消しました。", "The role was withdrawn.");
        ConsoleText.add("op.done.terminals", "使用端末を変更しました。", "The terminals were changed.");
        ConsoleText.add("op.done.reset-password", "パスワードを再設定しました。その操作者のセッションは終了しました。",
                "The password was reset; the operator's sessions have ended.");
        ConsoleText.add("op.done.unlock", "ロックを解除しました。", "The lockout was lifted.");
        ConsoleText.add("op.done.review", "確認を記録しました。", "The review was recorded.");
        ConsoleText.add("op.done.revoke", "操作者を失効させました。", "The operator was revoked.");
        ConsoleText.add("op.report.at", "作成時刻", "As of");
        ConsoleText.add("op.report.not-reviewed", "12か月以上確認されていない操作者", "Not reviewed for 12 months");
        ConsoleText.add("op.report.no-login", "90日以上ログインしていない操作者", "No login for 90 days");
        ConsoleText.add("op.report.note", "有効な操作者のうち、確認またはログインが発行以来ない者を含みます。",
                "Active operators only; never reviewed or never logged in counts from their issue.");
        ConsoleText.add("op.read-only", "閲覧のみ（変更はシステム管理者が行います）。", "Read only (administrators make changes).");
    }

    private final OperatorRegister register;

    public OperatorPages(OperatorRegister register) {
        this.register = register;
    }

    /** {@code GET /console/operators}: the register; for administrators the forms too. */
    public void list(Exchange e) {
        Console c = new Console(e);
        List<Operator> all = register.list();
        StringBuilder b = new StringBuilder(8192);
        done(c, b);
        b.append("<p><a href=\"").append(REPORT).append("\" id=\"report-link\">").append(esc(c.t("op.report"))).append("</a> · ")
                .append(esc(c.t("op.count"))).append(": <span id=\"count\">").append(all.size()).append("</span></p>");
        table(c, b, "operators", all);
        if (c.session().may(Permission.OPERATORS_MANAGE)) {
            List<Operator> active = new ArrayList<>();
            all.stream().filter(Operator::active).forEach(active::add);
            OperatorForms.all(c, b, active);
        } else {
            b.append("<p class=\"note\">").append(esc(c.t("op.read-only"))).append("</p>");
        }
        c.page(200, c.t("op.title"), b.toString());
    }

    /** {@code GET /console/operators/report}: the yearly review report. */
    public void report(Exchange e) {
        Console c = new Console(e);
        ReviewReport r = register.reviewReport();
        boolean manage = c.session().may(Permission.OPERATORS_MANAGE);
        StringBuilder b = new StringBuilder(4096);
        done(c, b);
        b.append("<p>").append(esc(c.t("op.report.at"))).append(": <span id=\"report-at\">").append(esc(c.time(r.at())))
                .append("</span> · <a href=\"").append(LIST).append("\">").append(esc(c.t("op.title"))).append("</a></p>")
                .append("<p class=\"note\">").append(esc(c.t("op.report.note"))).append("</p>");
        b.append("<h2>").append(esc(c.t("op.report.not-reviewed"))).append(" (").append(r.notReviewed().size()).append(")</h2>");
        table(c, b, "not-reviewed", r.notReviewed());
        if (manage && !r.notReviewed().isEmpty()) {
            OperatorForms.reviewFromReport(c, b, r.notReviewed());
        }
        b.append("<h2>").append(esc(c.t("op.report.no-login"))).append(" (").append(r.noRecentLogin().size()).append(")</h2>");
        table(c, b, "no-login", r.noRecentLogin());
        c.page(200, c.t("op.report"), b.toString());
    }

    /** {@code POST /console/operators/issue}: id, displayName, role-&lt;role&gt; checkboxes, terminals, initialPassword. */
    public void issue(Exchange e) {
        act(e, "issue", (c, by) -> {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (Role r : Role.values()) {
                if (c.field("role-" + r.text()) != null) {
                    roles.add(r);
                }
            }
            return register.issue(by, c.field("id"), c.field("displayName"), roles, terminals(c.field("terminals")),
                    chars(c.field("initialPassword")));
        });
    }

    /** {@code POST /console/operators/grant}: id, role. */
    public void grant(Exchange e) {
        act(e, "grant", (c, by) -> register.grant(by, c.field("id"), role(c)));
    }

    /** {@code POST /console/operators/withdraw}: id, role. */
    public void withdraw(Exchange e) {
        act(e, "withdraw", (c, by) -> register.withdraw(by, c.field("id"), role(c)));
    }

    /** {@code POST /console/operators/terminals}: id, terminals (separated by commas or spaces). */
    public void terminals(Exchange e) {
        act(e, "terminals", (c, by) -> register.terminals(by, c.field("id"), terminals(c.field("terminals"))));
    }

    /** {@code POST /console/operators/reset-password}: id, password. */
    public void resetPassword(Exchange e) {
        act(e, "reset-password", (c, by) -> register.resetPassword(by, c.field("id"), chars(c.field("password"))));
    }

    /** {@code POST /console/operators/unlock}: id. */
    public void unlock(Exchange e) {
        act(e, "unlock", (c, by) -> register.unlock(by, c.field("id")));
    }

    /** {@code POST /console/operators/review}: id (and {@code next=report} to go back to the report). */
    public void review(Exchange e) {
        act(e, "review", (c, by) -> register.review(by, c.field("id")));
    }

    /** {@code POST /console/operators/revoke}: id, reason. */
    public void revoke(Exchange e) {
        act(e, "revoke", (c, by) -> register.revoke(by, c.field("id"), c.field("reason")));
    }

    @FunctionalInterface
    private interface Change {
        Operator apply(Console c, String by) throws Refused;
    }

    /** A change by the session's operator: back to the list (or the report) with what was done, or the refusal. */
    private static void act(Exchange e, String action, Change change) {
        Console c = new Console(e);
        String back = "report".equals(c.field("next")) ? REPORT : LIST;
        try {
            change.apply(c, c.session().operatorId());
            c.redirect(back + "?done=" + action);
        } catch (Refused r) {
            c.refused(OperatorsApi.status(r.code()), r.code(), r.reason(), back);
        }
    }

    /** The table of {@code operators} with element id {@code id}; one row {@code op-<ID>} each. */
    private static void table(Console c, StringBuilder b, String id, List<Operator> operators) {
        if (operators.isEmpty()) {
            b.append("<p class=\"note\" id=\"").append(id).append("-none\">").append(esc(c.t("op.none"))).append("</p>");
            return;
        }
        b.append("<table id=\"").append(id).append("\"><thead><tr>");
        for (String k : List.of("op.id", "op.name", "op.status", "roles", "op.terminals", "op.last-login", "op.last-review",
                "op.locked-until", "op.issued")) {
            b.append("<th>").append(esc(c.t(k))).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        Instant now = Instant.now();
        for (Operator o : operators) {
            TreeSet<String> roles = new TreeSet<>();
            o.roles().forEach(r -> roles.add(roleName(c, r)));
            b.append("<tr id=\"op-").append(esc(o.id())).append("\"").append(o.active() ? "" : " class=\"revoked\"").append(">")
                    .append("<td class=\"id\">").append(esc(o.id())).append("</td>")
                    .append("<td>").append(esc(o.displayName())).append("</td>")
                    .append("<td class=\"status\">").append(esc(c.t("op.status." + o.status().name())))
                    .append(o.active() ? "" : " " + esc(c.time(o.revokedAt()))).append("</td>")
                    .append("<td class=\"roles\">").append(esc(String.join(", ", roles))).append("</td>")
                    .append("<td class=\"terminals\">").append(esc(String.join(", ", new TreeSet<>(o.terminals())))).append("</td>")
                    .append("<td class=\"time\">").append(esc(c.time(o.lastLoginAt()))).append("</td>")
                    .append("<td class=\"time reviewed\">").append(esc(c.time(o.lastReviewedAt()))).append("</td>")
                    .append("<td class=\"time locked\">").append(esc(o.lockedAt(now) ? c.time(o.lockedUntil()) : "-"))
                    .append("</td><td class=\"time\">").append(esc(c.time(o.issuedAt()))).append(" (").append(esc(o.issuedBy()))
                    .append(")</td></tr>");
        }
        b.append("</tbody></table>");
    }

    /** A role as the console names it: Japanese with the API's name, or the API's name in English. */
    static String roleName(Console c, Role r) {
        return "en".equals(c.lang()) ? r.text() : r.japanese() + " (" + r.text() + ")";
    }

    /** What the last change did ({@code ?done=<action>} after its redirect), as a note. */
    private static void done(Console c, StringBuilder b) {
        String done = Console.query(c.exchange().getMessage(), "done");
        if (done != null && ACTIONS.contains(done)) {
            b.append("<p class=\"ok\" id=\"done\">").append(esc(c.t("op.done." + done))).append("</p>");
        }
    }

    private static Role role(Console c) {
        String text = c.field("role");
        return text == null ? null : Role.of(text);
    }

    /** Terminals typed as one text, separated by commas or white space. */
    private static Set<String> terminals(String text) {
        Set<String> t = new TreeSet<>();
        if (text != null) {
            for (String s : text.split("[,\\s、]+")) {
                if (!s.isBlank()) {
                    t.add(s);
                }
            }
        }
        return t;
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }
}

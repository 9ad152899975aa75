package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.sql.SQLException;
import java.util.List;
import jp.tokyo.juki.api.DeadLettersApi;
import jp.tokyo.juki.disclosure.Corrections;
import jp.tokyo.juki.disclosure.DisclosureRefused;
import org.apache.camel.Exchange;

/**
 * The console's correction and stop-of-use requests ({@code routes/console-disclosure.camel.yaml};
 * 訂正・追加・削除の申出, 利用停止請求; a manager's): register one for the person of a MATCHED
 * disclosure request, list them with their state, and take the next step — the decision (ACCEPTED,
 * REJECTED) by another manager than the registrar. The same capability as the API's.
 */
public final class CorrectionPages {
    private static final String PAGE = "/console/corrections";

    static {
        ConsoleText.add("corr.new", "訂正・利用停止の申出の受付", "Register a correction or stop-of-use request");
        ConsoleText.add("corr.note", "本人の特定は開示請求の突合によります（突合で一致した請求番号を入力）。決定は受付者以外の管理者が行います。",
                "The person is the one a disclosure request matched (enter its number). Another manager than the registrar decides.");
        ConsoleText.add("corr.request", "開示請求番号", "Disclosure request");
        ConsoleText.add("corr.kind", "種別", "Kind");
        ConsoleText.add("corr.kind.CORRECTION", "訂正", "Correction");
        ConsoleText.add("corr.kind.ADDITION", "追加", "Addition");
        ConsoleText.add("corr.kind.DELETION", "削除", "Deletion");
        ConsoleText.add("corr.kind.STOP_USE", "利用停止", "Stop of use");
        ConsoleText.add("corr.asked", "申出の内容", "What is asked");
        ConsoleText.add("corr.register", "受付", "Register");
        ConsoleText.add("corr.list", "申出の一覧", "Requests");
        ConsoleText.add("corr.number", "申出番号", "Request");
        ConsoleText.add("corr.status", "状態", "Status");
        ConsoleText.add("corr.registered", "受付（者・日時）", "Registered (by, at)");
        ConsoleText.add("corr.decided", "決定（者・日時・理由）", "Decided (by, at, reason)");
        ConsoleText.add("corr.next", "次の段階", "Next step");
        ConsoleText.add("corr.reason", "理由", "Reason");
        ConsoleText.add("corr.decide", "記録", "Record");
        ConsoleText.add("corr.none", "申出はありません。", "No requests.");
        ConsoleText.add("corr.status.RECEIVED", "受付", "Received");
        ConsoleText.add("corr.status.FORWARDED", "市区町村へ送付", "Forwarded to the municipality");
        ConsoleText.add("corr.status.UNDER_REVIEW", "審査中", "Under review");
        ConsoleText.add("corr.status.ACCEPTED", "認容", "Accepted");
        ConsoleText.add("corr.status.REJECTED", "不認容", "Rejected");
    }

    private final Corrections corrections;

    public CorrectionPages(Corrections corrections) {
        this.corrections = corrections;
    }

    /** {@code GET /console/corrections}. */
    public void page(Exchange e) throws SQLException {
        Console c = new Console(e);
        StringBuilder b = new StringBuilder("<h2>").append(esc(c.t("corr.new"))).append("</h2><p class=\"note\">")
                .append(esc(c.t("corr.note"))).append("</p><form method=\"post\" action=\"").append(PAGE)
                .append("/register\" id=\"correction-form\">").append(c.csrf()).append("<label>").append(esc(c.t("corr.request")))
                .append(" <input name=\"request\" id=\"request\" required maxlength=\"16\" autocomplete=\"off\"></label><label>")
                .append(esc(c.t("corr.kind"))).append(" <select name=\"kind\" id=\"kind\">");
        for (Corrections.Kind k : Corrections.Kind.values()) {
            b.append("<option value=\"").append(k.name()).append("\">").append(esc(c.t("corr.kind." + k.name()))).append("</option>");
        }
        b.append("</select></label><label>").append(esc(c.t("corr.asked")))
                .append(" <textarea name=\"asked\" id=\"asked\" required maxlength=\"2000\" rows=\"3\" cols=\"60\"></textarea></label>")
                .append("<button type=\"submit\" id=\"register\">").append(esc(c.t("corr.register"))).append("</button></form><h2>")
                .append(esc(c.t("corr.list"))).append("</h2>");
        List<Corrections.Correction> list = corrections.list(false, 100);
        if (list.isEmpty()) {
            b.append("<p>").append(esc(c.t("corr.none"))).append("</p>");
        } else {
            b.append("<table id=\"corrections\"><tr>");
            for (String k : new String[]{"corr.number", "corr.kind", "corr.request", "corr.asked", "corr.status",
                    "corr.registered", "corr.decided", "corr.next"}) {
                b.append("<th>").append(esc(c.t(k))).append("</th>");
            }
            b.append("</tr>");
            for (Corrections.Correction r : list) {
                b.append("<tr id=\"row-").append(esc(r.number())).append("\"><td>").append(esc(r.number())).append("</td><td>")
                        .append(esc(c.t("corr.kind." + r.kind().name()))).append("</td><td>").append(esc(r.request()))
                        .append("</td><td>").append(esc(r.asked())).append("</td><td class=\"status\">")
                        .append(esc(c.t("corr.status." + r.status().name()))).append("</td><td>").append(esc(r.registeredBy()))
                        .append(" ").append(esc(c.time(r.registeredAt()))).append("</td><td>");
                if (r.decidedAt() != null) {
                    b.append(esc(r.decidedBy())).append(" ").append(esc(c.time(r.decidedAt())));
                }
                if (r.outcomeReason() != null) {
                    b.append(" ").append(esc(r.outcomeReason()));
                }
                b.append("</td><td>");
                if (!r.status().closed()) {
                    b.append("<form method=\"post\" action=\"").append(PAGE).append("/decide\" class=\"inline\">").append(c.csrf())
                            .append("<input type=\"hidden\" name=\"correction\" value=\"").append(esc(r.number()))
                            .append("\"><select name=\"status\" id=\"status-").append(esc(r.number())).append("\">");
                    for (Corrections.Status s : Corrections.Status.values()) {
                        if (s != Corrections.Status.RECEIVED && s != r.status()) {
                            b.append("<option value=\"").append(s.name()).append("\">").append(esc(c.t("corr.status." + s.name())))
                                    .append("</option>");
                        }
                    }
                    b.append("</select><input name=\"reason\" maxlength=\"500\" placeholder=\"").append(esc(c.t("corr.reason")))
                            .append("\" id=\"reason-").append(esc(r.number())).append("\"><button type=\"submit\" id=\"decide-")
                            .append(esc(r.number())).append("\">").append(esc(c.t("corr.decide"))).append("</button></form>");
                }
                b.append("</td></tr>");
            }
            b.append("</table>");
        }
        c.page(200, c.t("nav.corrections"), b.toString());
    }

    /** {@code POST /console/corrections/register}. */
    public void register(Exchange e) throws SQLException {
        Console c = new Console(e);
        try {
            corrections.register(DeadLettersApi.actor(e), c.field("request"), c.field("kind"), c.field("asked"));
            c.redirect(PAGE);
        } catch (DisclosureRefused r) {
            DisclosurePages.refused(c, r, PAGE);
        }
    }

    /** {@code POST /console/corrections/decide}. */
    public void decide(Exchange e) throws SQLException {
        Console c = new Console(e);
        try {
            corrections.decide(DeadLettersApi.actor(e), c.field("correction"), c.field("status"), c.field("reason"));
            c.redirect(PAGE);
        } catch (DisclosureRefused r) {
            DisclosurePages.refused(c, r, PAGE);
        }
    }
}

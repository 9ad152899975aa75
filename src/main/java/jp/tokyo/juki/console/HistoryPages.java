package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.sql.SQLException;
import jp.tokyo.juki.api.AuditApi;
import jp.tokyo.juki.api.DeadLettersApi;
import jp.tokyo.juki.audit.AuditDesk;
import jp.tokyo.juki.audit.PersonHistory;
import org.apache.camel.Exchange;

/**
 * The console's audit history of a person ({@code routes/console-history.camel.yaml};
 * R-AUD-PERSON, 提供状況の開示; an auditor's): a form with the 住民票コード and the reason, sent in
 * the body (never in a URL), and the answer — every exchange that concerned the person and every
 * provision or transfer to an agency. The same {@link AuditDesk} as the API's: the query is
 * recorded with the operator, terminal, reason and the person's keyed hash before anything is
 * shown. The page never shows the 住民票コード again.
 */
public final class HistoryPages {
    private static final String FORM = "/console/history";

    static {
        ConsoleText.add("history.code", "住民票コード", "住民票コード (resident record code)");
        ConsoleText.add("history.reason", "照会の理由（開示請求の番号など）", "Reason (e.g. the disclosure request's number)");
        ConsoleText.add("history.submit", "照会", "Look up");
        ConsoleText.add("history.note", "照会は理由とともに監査記録に残ります。住民票コードは記録されず、鍵付きハッシュだけが残ります。",
                "The query is recorded in the audit with its reason. The 住民票コード is not recorded, only its keyed hash.");
        ConsoleText.add("history.person", "本人（鍵付きハッシュ）", "Person (keyed hash)");
        ConsoleText.add("history.exchanges", "通信の記録", "Exchanges");
        ConsoleText.add("history.provisions", "提供・移転の記録", "Provisions and transfers to agencies");
        ConsoleText.add("history.none", "記録はありません。", "No records.");
        ConsoleText.add("history.at", "時刻", "Time");
        ConsoleText.add("history.line", "回線", "Line");
        ConsoleText.add("history.direction", "方向", "Direction");
        ConsoleText.add("history.peer", "相手", "Peer");
        ConsoleText.add("history.type", "種別", "Message");
        ConsoleText.add("history.id", "通番", "Message id");
        ConsoleText.add("history.sender", "発信者", "Sender");
        ConsoleText.add("history.outcome", "結果", "Outcome");
        ConsoleText.add("history.operator", "操作者・端末", "Operator and terminal");
        ConsoleText.add("history.agency", "機関", "Agency");
        ConsoleText.add("history.kind", "区分", "Kind");
        ConsoleText.add("history.business", "事務", "Business");
        ConsoleText.add("history.basis", "根拠法令", "Legal basis");
        ConsoleText.add("history.key", "検索キー", "Key");
        ConsoleText.add("history.items", "提供項目", "Items");
        ConsoleText.add("history.again", "別の照会", "Another query");
    }

    private final AuditDesk desk;

    public HistoryPages(AuditDesk desk) {
        this.desk = desk;
    }

    /** {@code GET /console/history}: the form. */
    public void form(Exchange e) {
        Console c = new Console(e);
        c.page(200, c.t("nav.history"), "<p class=\"note\">" + esc(c.t("history.note")) + "</p><form method=\"post\" action=\""
                + FORM + "\" id=\"history-form\">" + c.csrf() + "<label>" + esc(c.t("history.code"))
                + " <input name=\"juminhyoCode\" id=\"juminhyoCode\" required inputmode=\"numeric\" pattern=\"[0-9]{11}\" "
                + "maxlength=\"11\" autocomplete=\"off\"></label><label>" + esc(c.t("history.reason"))
                + " <input name=\"reason\" id=\"reason\" required maxlength=\"200\" size=\"60\" autocomplete=\"off\"></label>"
                + "<button type=\"submit\">" + esc(c.t("history.submit")) + "</button></form>");
    }

    /** {@code POST /console/history}: the person's exchanges and provisions. */
    public void history(Exchange e) throws SQLException {
        Console c = new Console(e);
        AuditDesk.History h;
        try {
            h = desk.person(DeadLettersApi.actor(e), c.field("juminhyoCode"), c.field("reason"));
        } catch (AuditDesk.Refused r) {
            c.refused(AuditApi.status(r.code()), r.code(), r.getMessage(), FORM);
            return;
        }
        StringBuilder b = new StringBuilder("<dl><dt>").append(esc(c.t("history.person"))).append("</dt><dd><code id=\"person\">")
                .append(esc(h.person())).append("</code></dd></dl><h2>").append(esc(c.t("history.exchanges"))).append(" (")
                .append(h.exchanges().size()).append(")</h2>");
        if (h.exchanges().isEmpty()) {
            b.append("<p>").append(esc(c.t("history.none"))).append("</p>");
        } else {
            b.append("<table id=\"exchanges\">");
            header(b, c, "history.at", "history.line", "history.direction", "history.peer", "history.type", "history.id",
                    "history.sender", "history.outcome", "history.operator");
            for (PersonHistory.Exchange x : h.exchanges()) {
                row(b, Jst.of(x.at()), x.line(), x.direction(), x.peer(), x.type(), x.messageId(), x.sender(),
                        dash(x.status()) + "/" + dash(x.code()), x.operator() == null && x.terminal() == null ? ""
                                : dash(x.operator()) + " @ " + dash(x.terminal()));
            }
            b.append("</table>");
        }
        b.append("<h2>").append(esc(c.t("history.provisions"))).append(" (").append(h.provisions().size()).append(")</h2>");
        if (h.provisions().isEmpty()) {
            b.append("<p>").append(esc(c.t("history.none"))).append("</p>");
        } else {
            b.append("<table id=\"provisions\">");
            header(b, c, "history.at", "history.agency", "history.kind", "history.business", "history.basis", "history.key",
                    "history.items", "history.outcome");
            for (PersonHistory.Provision p : h.provisions()) {
                row(b, Jst.of(p.at()), p.agency(), p.kind(), p.business(), p.legalBasis(), p.keyType(),
                        p.items().isEmpty() ? "-" : String.join(", ", p.items()), p.outcome());
            }
            b.append("</table>");
        }
        b.append("<p><a href=\"").append(FORM).append("\">").append(esc(c.t("history.again"))).append("</a></p>");
        c.page(200, c.t("nav.history"), b.toString());
    }

    private static void header(StringBuilder b, Console c, String... keys) {
        b.append("<tr>");
        for (String k : keys) {
            b.append("<th>").append(esc(c.t(k))).append("</th>");
        }
        b.append("</tr>");
    }

    private static void row(StringBuilder b, String... cells) {
        b.append("<tr>");
        for (String cell : cells) {
            b.append("<td>").append(esc(dash(cell))).append("</td>");
        }
        b.append("</tr>");
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}

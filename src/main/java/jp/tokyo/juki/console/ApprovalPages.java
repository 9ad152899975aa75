package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.agency.Approvals;
import jp.tokyo.juki.api.ApprovalsApi;
import org.apache.camel.Exchange;

/**
 * The console's approval pages, for a manager (R-SEC-AUTHZ): the bulk agency requests waiting for
 * a decision, each with an approve form and a reject form (reason required: the agency is told
 * it). A decision answers 303 to the list, which then says what was decided; a refused one is a
 * refusal page with its code. The same capability as {@code /api/approvals/*} ({@link ApprovalsApi}).
 */
public final class ApprovalPages {
    /** Times on the console: Japan Standard Time. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Tokyo"));
    private static final String LIST = "/console/approvals";
    private static final Pattern DECIDED = Pattern.compile("(?:^|&)decided=AR-(\\d{1,18})&as=(approved|rejected)(?:&|$)");

    static {
        ConsoleText.add("approvals.title", "大量照会の承認", "Approvals of bulk requests");
        ConsoleText.add("approvals.lead", "行数が上限を超える機関からの照会依頼は、管理責任者の承認を待っています。承認すると次回のポーリングで回答し、"
                + "却下すると理由を添えて機関に通知します。", "Agency requests with more rows than the limit wait for a manager. "
                + "An approved request is answered at the agency's next poll; a rejected one is answered with the reason.");
        ConsoleText.add("approvals.none", "承認を待っている依頼はありません。", "No request is waiting for a decision.");
        ConsoleText.add("approvals.count", "承認待ち: ", "Waiting: ");
        ConsoleText.add("approvals.unit", " 件", "");
        ConsoleText.add("approvals.id", "受付番号", "Request");
        ConsoleText.add("approvals.agency", "機関", "Agency");
        ConsoleText.add("approvals.rows", "行数", "Rows");
        ConsoleText.add("approvals.received", "受付日時", "Received");
        ConsoleText.add("approvals.file", "ファイル", "File");
        ConsoleText.add("approvals.decide", "判断", "Decision");
        ConsoleText.add("approvals.approve", "承認する", "Approve");
        ConsoleText.add("approvals.reject", "却下する", "Reject");
        ConsoleText.add("approvals.reason", "却下の理由（機関に通知されます）", "Reason for rejecting (sent to the agency)");
        ConsoleText.add("approvals.approved", "を承認しました。次回のポーリングで機関に回答します。",
                " approved: answered at the agency's next poll.");
        ConsoleText.add("approvals.rejected", "を却下しました。機関には理由を添えて通知します。",
                " rejected: the agency is answered with the reason.");
    }

    private final ApprovalsApi approvals;

    public ApprovalPages(ApprovalsApi approvals) {
        this.approvals = approvals;
    }

    /** {@code GET /console/approvals}: the waiting requests; after a decision ({@code ?decided=AR-12&as=…}) what was decided. */
    public void list(Exchange e) throws SQLException {
        Console c = new Console(e);
        List<Approvals.Pending> waiting = approvals.waiting();
        StringBuilder b = new StringBuilder();
        Matcher done = DECIDED.matcher(e.getMessage().getHeader(Exchange.HTTP_QUERY, "", String.class));
        if (done.find()) {
            b.append("<p class=\"ok\" id=\"decided\">AR-").append(esc(done.group(1)))
                    .append(esc(c.t("approvals." + done.group(2)))).append("</p>");
        }
        b.append("<p class=\"note\">").append(esc(c.t("approvals.lead"))).append("</p>");
        if (waiting.isEmpty()) {
            b.append("<p id=\"none\">").append(esc(c.t("approvals.none"))).append("</p>");
            c.page(200, c.t("approvals.title"), b.toString());
            return;
        }
        b.append("<p id=\"count\">").append(esc(c.t("approvals.count"))).append(waiting.size()).append(esc(c.t("approvals.unit")))
                .append("</p><table id=\"waiting\"><thead><tr>");
        for (String head : List.of("approvals.id", "approvals.agency", "approvals.rows", "approvals.received", "approvals.file",
                "approvals.decide")) {
            b.append("<th>").append(esc(c.t(head))).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (Approvals.Pending p : waiting) {
            String id = "AR-" + p.id();
            b.append("<tr id=\"").append(esc(id)).append("\"><td>").append(esc(id)).append("</td><td>").append(esc(p.agency()))
                    .append("</td><td>").append(p.rows()).append("</td><td>").append(esc(time(p.receivedAt())))
                    .append("</td><td>").append(esc(p.fileName())).append("</td><td>")
                    .append("<form method=\"post\" action=\"/console/approvals/approve\">").append(c.csrf())
                    .append("<input type=\"hidden\" name=\"id\" value=\"").append(esc(id)).append("\">")
                    .append("<button type=\"submit\" id=\"approve-").append(esc(id)).append("\">").append(esc(c.t("approvals.approve")))
                    .append("</button></form>")
                    .append("<form method=\"post\" action=\"/console/approvals/reject\">").append(c.csrf())
                    .append("<input type=\"hidden\" name=\"id\" value=\"").append(esc(id)).append("\">")
                    .append("<label>").append(esc(c.t("approvals.reason"))).append(" <input name=\"reason\" id=\"reason-")
                    .append(esc(id)).append("\" required maxlength=\"200\" autocomplete=\"off\"></label>")
                    .append("<button type=\"submit\" id=\"reject-").append(esc(id)).append("\">").append(esc(c.t("approvals.reject")))
                    .append("</button></form></td></tr>");
        }
        b.append("</tbody></table>");
        c.page(200, c.t("approvals.title"), b.toString());
    }

    /** {@code POST /console/approvals/approve} {@code id}. */
    public void approve(Exchange e) throws SQLException {
        decide(e, true);
    }

    /** {@code POST /console/approvals/reject} {@code id}, {@code reason}. */
    public void reject(Exchange e) throws SQLException {
        decide(e, false);
    }

    private void decide(Exchange e, boolean approve) throws SQLException {
        Console c = new Console(e);
        try {
            ApprovalsApi.Decided d = approvals.decide(c.session(), c.field("id"), approve, c.field("reason"));
            c.redirect(LIST + "?decided=AR-" + d.request().id() + "&as=" + (approve ? "approved" : "rejected"));
        } catch (ApprovalsApi.BadId ex) {
            c.refused(400, "A400", ex.getMessage(), LIST);
        } catch (Approvals.Refused ex) {
            c.refused(409, "A290", ex.getMessage(), LIST);
        }
    }

    /** When {@code at} was, on the console's clock (JST). */
    static String time(Instant at) {
        return at == null ? "-" : TIME.format(at);
    }
}

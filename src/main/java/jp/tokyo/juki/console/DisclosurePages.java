package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import jp.tokyo.juki.api.DeadLettersApi;
import jp.tokyo.juki.api.DisclosureApi;
import jp.tokyo.juki.api.FormsApi;
import jp.tokyo.juki.disclosure.CheckResult;
import jp.tokyo.juki.disclosure.DisclosureRefused;
import jp.tokyo.juki.disclosure.Disclosures;
import jp.tokyo.juki.disclosure.FormRegister;
import jp.tokyo.juki.disclosure.IdentityDocument;
import jp.tokyo.juki.disclosure.Requester;
import org.apache.camel.Exchange;

/**
 * The console's disclosure pages ({@code routes/console-disclosure.camel.yaml}; R-DISC): disclosure
 * requests (a manager's: register the requester's items, check them against the record, download
 * the form — printed and registered at each click, never kept by the gateway) and the form
 * register (帳票管理簿: managers and auditors read it, a manager records a hand-over or a
 * destruction). The same capability as the API's; the requester's items are never shown again.
 */
public final class DisclosurePages {
    private static final String REQUESTS = "/console/disclosures";
    private static final String FORMS = "/console/forms";

    static {
        ConsoleText.add("disc.new", "開示請求の受付", "Register a disclosure request");
        ConsoleText.add("disc.note", "請求者が窓口で申し出た4情報を入力します。突合の後、一致した請求だけが帳票を作成できます。帳票（PDF）はゲートウェイに保存されません。",
                "Enter the 4 items the requester states at the counter. Only a request matched against the record gives a form. The form (PDF) is not kept by the gateway.");
        ConsoleText.add("disc.store", "対象", "Record");
        ConsoleText.add("disc.store.HONNIN", "本人確認情報", "本人確認情報 (resident record)");
        ConsoleText.add("disc.store.FUHYO", "附票本人確認情報", "附票本人確認情報 (annex record)");
        ConsoleText.add("disc.kana", "氏名（ふりがな）", "Name (kana)");
        ConsoleText.add("disc.kanji", "氏名（漢字）", "Name (kanji)");
        ConsoleText.add("disc.birth", "生年月日（YYYY-MM-DD）", "Birth date (YYYY-MM-DD)");
        ConsoleText.add("disc.sex", "性別（1: 男, 2: 女）", "Sex (1: male, 2: female)");
        ConsoleText.add("disc.address", "住所", "Address");
        ConsoleText.add("disc.code", "住民票コード（申出があれば）", "住民票コード (if stated)");
        ConsoleText.add("disc.identity", "本人確認書類", "Identity checked by");
        ConsoleText.add("disc.register", "受付", "Register");
        ConsoleText.add("disc.list", "開示請求", "Disclosure requests");
        ConsoleText.add("disc.number", "請求番号", "Request");
        ConsoleText.add("disc.status", "突合結果", "Check");
        ConsoleText.add("disc.registered", "受付（者・日時）", "Registered (by, at)");
        ConsoleText.add("disc.action", "操作", "Action");
        ConsoleText.add("disc.check", "突合", "Check");
        ConsoleText.add("disc.form", "帳票を作成（PDF）", "Print the form (PDF)");
        ConsoleText.add("disc.done", "受け付けました", "Registered");
        ConsoleText.add("disc.checked", "突合しました", "Checked");
        ConsoleText.add("disc.none", "開示請求はありません。", "No disclosure requests.");
        ConsoleText.add("forms.number", "帳票番号", "Form");
        ConsoleText.add("forms.pages", "枚数", "Pages");
        ConsoleText.add("forms.person", "本人（鍵付きハッシュ）", "Person (keyed hash)");
        ConsoleText.add("forms.printed", "作成（者・日時）", "Printed (by, at)");
        ConsoleText.add("forms.handed", "交付（者・日時）", "Handed over (by, at)");
        ConsoleText.add("forms.destroyed", "廃棄（者・日時・理由）", "Destroyed (by, at, reason)");
        ConsoleText.add("forms.hand", "交付を記録", "Record hand-over");
        ConsoleText.add("forms.destroy", "廃棄を記録", "Record destruction");
        ConsoleText.add("forms.reason", "廃棄の理由", "Reason of destruction");
        ConsoleText.add("forms.none", "帳票はありません。", "No forms.");
        ConsoleText.add("forms.note", "帳票管理簿: 作成・交付・廃棄を記録します。記録は管理者が行い、監査者は閲覧します。",
                "The form register: printing, hand-over and destruction. A manager records; an auditor reads.");
        ConsoleText.add("disc.result.REGISTERED", "未突合", "REGISTERED (not checked)");
        ConsoleText.add("disc.result.MATCHED", "一致", "MATCHED");
        ConsoleText.add("disc.result.NOT_FOUND", "該当なし", "NOT_FOUND");
        ConsoleText.add("disc.result.MULTIPLE", "複数該当", "MULTIPLE");
        ConsoleText.add("disc.result.MISMATCH", "不一致", "MISMATCH");
        for (IdentityDocument d : IdentityDocument.values()) {
            ConsoleText.add("disc.id." + d.name(), switch (d) {
                case MY_NUMBER_CARD -> "マイナンバーカード";
                case DRIVERS_LICENSE -> "運転免許証";
                case PASSPORT -> "旅券";
                case RESIDENCE_CARD -> "在留カード・特別永住者証明書";
                case TWO_DOCUMENTS -> "写真のない書類2点";
                case PROXY -> "代理人（委任状）";
            }, d.name());
        }
    }

    private final Disclosures disclosures;
    private final FormRegister register;

    public DisclosurePages(Disclosures disclosures, FormRegister register) {
        this.disclosures = disclosures;
        this.register = register;
    }

    /** {@code GET /console/disclosures}: the register form and the latest requests with their next step. */
    public void requests(Exchange e) throws SQLException {
        Console c = new Console(e);
        StringBuilder b = new StringBuilder();
        String done = Console.query(e.getMessage(), "done");
        String checked = Console.query(e.getMessage(), "checked");
        if (done != null || checked != null) {
            b.append("<p class=\"done\" id=\"done\">").append(esc(c.t(done != null ? "disc.done" : "disc.checked")))
                    .append(": ").append(esc(done != null ? done : checked)).append("</p>");
        }
        b.append("<h2>").append(esc(c.t("disc.new"))).append("</h2><p class=\"note\">").append(esc(c.t("disc.note")))
                .append("</p><form method=\"post\" action=\"").append(REQUESTS).append("/register\" id=\"disclosure-form\">")
                .append(c.csrf()).append("<label>").append(esc(c.t("disc.store"))).append(" <select name=\"store\" id=\"store\">");
        for (String s : new String[]{"HONNIN", "FUHYO"}) {
            b.append("<option value=\"").append(s).append("\">").append(esc(c.t("disc.store." + s))).append("</option>");
        }
        b.append("</select></label>");
        input(b, c, "disc.kana", "nameKana", 100);
        input(b, c, "disc.kanji", "nameKanji", 100);
        input(b, c, "disc.birth", "birthDate", 10);
        input(b, c, "disc.sex", "sex", 1);
        input(b, c, "disc.address", "address", 200);
        b.append("<label>").append(esc(c.t("disc.code"))).append(" <input name=\"juminhyoCode\" id=\"juminhyoCode\" "
                + "inputmode=\"numeric\" pattern=\"[0-9]{11}\" maxlength=\"11\" autocomplete=\"off\"></label><label>")
                .append(esc(c.t("disc.identity"))).append(" <select name=\"identityDocument\" id=\"identityDocument\">");
        for (IdentityDocument d : IdentityDocument.values()) {
            b.append("<option value=\"").append(d.name()).append("\">").append(esc(c.t("disc.id." + d.name()))).append("</option>");
        }
        b.append("</select></label><button type=\"submit\" id=\"register\">").append(esc(c.t("disc.register")))
                .append("</button></form><h2>").append(esc(c.t("disc.list"))).append("</h2>");
        List<Disclosures.Request> list = disclosures.list(50);
        if (list.isEmpty()) {
            b.append("<p>").append(esc(c.t("disc.none"))).append("</p>");
        } else {
            b.append("<table id=\"requests\"><tr>");
            for (String k : new String[]{"disc.number", "disc.store", "disc.identity", "disc.status", "disc.registered",
                    "disc.action"}) {
                b.append("<th>").append(esc(c.t(k))).append("</th>");
            }
            b.append("</tr>");
            for (Disclosures.Request r : list) {
                b.append("<tr><td>").append(esc(r.number())).append("</td><td>").append(esc(c.t("disc.store." + r.store())))
                        .append("</td><td>").append(esc(c.t("disc.id." + r.identity().name()))).append("</td><td class=\"")
                        .append(esc(r.status().name())).append("\">").append(esc(c.t("disc.result." + r.status().name())))
                        .append("</td><td>")
                        .append(esc(r.registeredBy())).append(" ").append(esc(c.time(r.registeredAt()))).append("</td><td>");
                if (r.status() == CheckResult.REGISTERED) {
                    action(b, c, REQUESTS + "/check", "check-" + r.number(), r.number(), "disc.check");
                } else if (r.status() == CheckResult.MATCHED) {
                    action(b, c, REQUESTS + "/form", "form-" + r.number(), r.number(), "disc.form");
                }
                b.append("</td></tr>");
            }
            b.append("</table>");
        }
        c.page(200, c.t("nav.disclosures"), b.toString());
    }

    private static void input(StringBuilder b, Console c, String label, String name, int max) {
        b.append("<label>").append(esc(c.t(label))).append(" <input name=\"").append(name).append("\" id=\"").append(name)
                .append("\" required maxlength=\"").append(max).append("\" autocomplete=\"off\"></label>");
    }

    private static void action(StringBuilder b, Console c, String to, String id, String request, String label) {
        b.append("<form method=\"post\" action=\"").append(to).append("\" class=\"inline\">").append(c.csrf())
                .append("<input type=\"hidden\" name=\"request\" value=\"").append(esc(request)).append("\">")
                .append("<button type=\"submit\" id=\"").append(esc(id)).append("\">").append(esc(c.t(label)))
                .append("</button></form>");
    }

    /** {@code POST /console/disclosures/register}. */
    public void register(Exchange e) throws SQLException {
        Console c = new Console(e);
        try {
            Requester r = Requester.of(c.field("store"), c.field("nameKana"), c.field("nameKanji"), c.field("birthDate"),
                    c.field("sex"), c.field("address"), c.field("juminhyoCode"), c.field("identityDocument"));
            c.redirect(REQUESTS + "?done=" + disclosures.register(DeadLettersApi.actor(e), r).number());
        } catch (DisclosureRefused r) {
            refused(c, r, REQUESTS);
        }
    }

    /** {@code POST /console/disclosures/check}. */
    public void check(Exchange e) throws SQLException {
        Console c = new Console(e);
        try {
            c.redirect(REQUESTS + "?checked=" + disclosures.check(DeadLettersApi.actor(e), c.field("request")).number());
        } catch (DisclosureRefused r) {
            refused(c, r, REQUESTS);
        }
    }

    /** {@code POST /console/disclosures/form}: the PDF as a download, registered in the form register. */
    public void form(Exchange e) throws SQLException, IOException {
        Console c = new Console(e);
        try {
            DisclosureApi.pdf(e, disclosures.print(DeadLettersApi.actor(e), c.field("request")));
        } catch (DisclosureRefused r) {
            refused(c, r, REQUESTS);
        }
    }

    /** {@code GET /console/forms}: the form register; a manager's buttons to record hand-over and destruction. */
    public void forms(Exchange e) throws SQLException {
        Console c = new Console(e);
        boolean manager = FormsApi.mayRecord(e);
        StringBuilder b = new StringBuilder("<p class=\"note\">").append(esc(c.t("forms.note"))).append("</p>");
        List<FormRegister.Entry> list = register.list(null, 100);
        if (list.isEmpty()) {
            b.append("<p>").append(esc(c.t("forms.none"))).append("</p>");
        } else {
            b.append("<table id=\"forms\"><tr>");
            for (String k : new String[]{"forms.number", "disc.number", "forms.pages", "forms.person", "forms.printed",
                    "forms.handed", "forms.destroyed"}) {
                b.append("<th>").append(esc(c.t(k))).append("</th>");
            }
            b.append("</tr>");
            for (FormRegister.Entry f : list) {
                b.append("<tr id=\"row-").append(esc(f.number())).append("\"><td>").append(esc(f.number())).append("</td><td>")
                        .append(esc(f.request())).append("</td><td>").append(f.pages()).append("</td><td><code>")
                        .append(esc(f.person().substring(0, Math.min(12, f.person().length())))).append("…</code></td><td>")
                        .append(esc(f.printedBy())).append(" ").append(esc(c.time(f.printedAt()))).append("</td><td>");
                if (f.handedOverAt() != null) {
                    b.append(esc(f.handedOverBy())).append(" ").append(esc(c.time(f.handedOverAt())));
                } else if (manager && f.destroyedAt() == null) {
                    b.append("<form method=\"post\" action=\"").append(FORMS).append("/handed-over\" class=\"inline\">")
                            .append(c.csrf()).append("<input type=\"hidden\" name=\"form\" value=\"").append(esc(f.number()))
                            .append("\"><button type=\"submit\" id=\"hand-").append(esc(f.number())).append("\">")
                            .append(esc(c.t("forms.hand"))).append("</button></form>");
                }
                b.append("</td><td>");
                if (f.destroyedAt() != null) {
                    b.append(esc(f.destroyedBy())).append(" ").append(esc(c.time(f.destroyedAt()))).append(" ")
                            .append(esc(f.destroyReason()));
                } else if (manager) {
                    b.append("<form method=\"post\" action=\"").append(FORMS).append("/destroyed\" class=\"inline\">")
                            .append(c.csrf()).append("<input type=\"hidden\" name=\"form\" value=\"").append(esc(f.number()))
                            .append("\"><input name=\"reason\" required maxlength=\"200\" placeholder=\"")
                            .append(esc(c.t("forms.reason"))).append("\" id=\"reason-").append(esc(f.number()))
                            .append("\"><button type=\"submit\" id=\"destroy-").append(esc(f.number())).append("\">")
                            .append(esc(c.t("forms.destroy"))).append("</button></form>");
                }
                b.append("</td></tr>");
            }
            b.append("</table>");
        }
        c.page(200, c.t("nav.forms"), b.toString());
    }

    /** {@code POST /console/forms/handed-over}. */
    public void handedOver(Exchange e) throws SQLException {
        Console c = new Console(e);
        try {
            register.handedOver(DeadLettersApi.actor(e), FormsApi.mayRecord(e), c.field("form"));
            c.redirect(FORMS);
        } catch (DisclosureRefused r) {
            refused(c, r, FORMS);
        }
    }

    /** {@code POST /console/forms/destroyed}. */
    public void destroyed(Exchange e) throws SQLException {
        Console c = new Console(e);
        try {
            register.destroyed(DeadLettersApi.actor(e), FormsApi.mayRecord(e), c.field("form"), c.field("reason"));
            c.redirect(FORMS);
        } catch (DisclosureRefused r) {
            refused(c, r, FORMS);
        }
    }

    static void refused(Console c, DisclosureRefused r, String back) {
        c.refused(DisclosureRefused.status(r.code()), r.code(), r.getMessage(), back);
    }
}

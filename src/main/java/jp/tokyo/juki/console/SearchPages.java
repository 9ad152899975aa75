package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import jp.tokyo.juki.api.ApiReply;
import jp.tokyo.juki.api.DeadLettersApi;
import jp.tokyo.juki.api.SearchApi;
import jp.tokyo.juki.forms.FormLabels;
import jp.tokyo.juki.search.PersonSearch;
import jp.tokyo.juki.search.SearchCriteria;
import jp.tokyo.juki.search.SearchRefused;
import jp.tokyo.juki.search.SearchReport;
import org.apache.camel.Exchange;

/**
 * The console's search (R-SRCH; a searcher's) and the auditor's 検索件数 report
 * ({@code routes/console-search.camel.yaml}): a form — purpose, stores and one kind of key — always
 * posted, so no term is ever in a URL; the answer page with the count (and the note to narrow the
 * search when more match than are shown) and the result table, current and deleted persons told
 * apart, never a My Number. The same capability and audit as {@code /api/search/*} ({@link SearchApi}).
 */
public final class SearchPages {
    private static final String FORM = "/console/search";
    private static final String REPORT = "/console/search-report";
    private static final String[] FIELDS = {"juminhyoCode", "myNumber", "nameKana", "nameKanji", "birthDate", "birthTo", "sex",
        "addressPrefix"};

    static {
        ConsoleText.add("search.lead", "本人確認情報・附票本人確認情報を、住民票コード、個人番号（本人確認情報のみ）、または基本4情報"
                + "（カナ氏名・漢字氏名の前方一致・生年月日または範囲・性別・住所の前方一致）で検索します。検索は利用目的・操作者・端末"
                + "とともに監査記録に残ります。", "Search the stores by 住民票コード, My Number (honnin only) or the 4 items (kana name, "
                + "kanji name by prefix, birth date or a range, sex, address by prefix). Each search is audited with its purpose, "
                + "operator and terminal.");
        ConsoleText.add("search.reason", "利用目的（必須・監査記録に残ります）", "Purpose (required, audited)");
        ConsoleText.add("search.stores", "検索対象", "Stores");
        ConsoleText.add("search.stores.both", "本人確認情報と附票本人確認情報", "honnin and fuhyo");
        ConsoleText.add("search.stores.honnin", "本人確認情報", "honnin");
        ConsoleText.add("search.stores.fuhyo", "附票本人確認情報", "fuhyo");
        ConsoleText.add("search.key", "検索キー（住民票コード、個人番号、基本4情報のいずれか）", "Key (one kind)");
        ConsoleText.add("search.juminhyoCode", "住民票コード", "住民票コード");
        ConsoleText.add("search.myNumber", "個人番号（本人確認情報のみ・結果には表示されません）", "My Number (honnin only; never shown)");
        ConsoleText.add("search.nameKana", "氏名（カナ・清音化して一致）", "Name (kana, 清音化)");
        ConsoleText.add("search.nameKanji", "氏名（漢字・前方一致・空白は無視）", "Name (kanji, prefix, spaces ignored)");
        ConsoleText.add("search.birthDate", "生年月日（範囲の始め）", "Date of birth (or from)");
        ConsoleText.add("search.birthTo", "生年月日（範囲の終わり）", "Date of birth to");
        ConsoleText.add("search.sex", "性別", "Sex");
        ConsoleText.add("search.birth", "生年月日", "Date of birth");
        ConsoleText.add("search.addressPrefix", "住所（前方一致）", "Address (prefix)");
        ConsoleText.add("search.submit", "検索する", "Search");
        ConsoleText.add("search.result", "検索結果", "Result");
        ConsoleText.add("search.count", "該当件数", "Matches");
        ConsoleText.add("search.more", "表示は上限までです。条件を追加して絞り込んでください。", "Only the cap is shown: narrow the search.");
        ConsoleText.add("search.moreThan", "件以上", " or more");
        ConsoleText.add("search.shown", "表示件数", "Shown");
        ConsoleText.add("search.store", "区分", "Store");
        ConsoleText.add("search.name", "氏名", "Name");
        ConsoleText.add("search.address", "住所", "Address");
        ConsoleText.add("search.municipality", "市町村", "Municipality");
        ConsoleText.add("search.status", "状態", "Status");
        ConsoleText.add("search.CURRENT", "現存", "current");
        ConsoleText.add("search.DELETED", "消除", "deleted");
        ConsoleText.add("search.abroad", "国外転出", "abroad");
        ConsoleText.add("search.change", "異動事由・異動日", "Change (reason, date)");
        ConsoleText.add("search.none", "該当する方はいません。", "Nobody matched.");
        ConsoleText.add("search.again", "新しい検索", "New search");
        ConsoleText.add("report.lead", "期間内の検索件数を操作者・日ごとに、また勤務時間外の検索を一件ずつ示します。この照会も監査記録に残ります。",
                "Searches per operator and day in a period, and each search outside working hours. This report is audited too.");
        ConsoleText.add("report.from", "期間（開始日）", "From");
        ConsoleText.add("report.to", "期間（終了日）", "To");
        ConsoleText.add("report.submit", "集計する", "Report");
        ConsoleText.add("report.hours", "勤務時間（日本時間・平日）", "Working hours (JST, weekdays)");
        ConsoleText.add("report.operator", "操作者", "Operator");
        ConsoleText.add("report.date", "日付", "Date");
        ConsoleText.add("report.searches", "検索件数", "Searches");
        ConsoleText.add("report.outside", "うち時間外", "Outside hours");
        ConsoleText.add("report.refused", "拒否", "Refused");
        ConsoleText.add("report.outsideList", "勤務時間外の検索", "Searches outside working hours");
        ConsoleText.add("report.at", "時刻", "Time");
        ConsoleText.add("report.terminal", "端末", "Terminal");
        ConsoleText.add("report.purpose", "利用目的", "Purpose");
    }

    private final SearchApi api;

    public SearchPages(SearchApi api) {
        this.api = api;
    }

    /** {@code GET /console/search}: the form. */
    public void form(Exchange e) {
        Console c = new Console(e);
        c.page(200, c.t("nav.search"), "<p class=\"note\">" + esc(c.t("search.lead")) + "</p>" + form(c));
    }

    /** {@code POST /console/search}: searches and shows the count and the table (or the refusal). */
    public void search(Exchange e) throws SQLException {
        Console c = new Console(e);
        ObjectNode body = ApiReply.JSON.createObjectNode();
        for (String f : FIELDS) {
            if (c.field(f) != null) {
                body.put(f, c.field(f));
            }
        }
        if (c.field("reason") != null) {
            body.put("reason", c.field("reason"));
        }
        String stores = c.field("stores");
        if (stores != null && !stores.equals("both")) {
            body.putArray("stores").add(stores);
        }
        PersonSearch.Result r;
        try {
            r = api.search().search(DeadLettersApi.actor(e), SearchApi.ask(body));
        } catch (SearchRefused x) {
            c.refused(x.status(), x.code(), x.getMessage(), FORM);
            return;
        }
        StringBuilder b = new StringBuilder("<dl id=\"count\">");
        item(b, c.t("search.count"), "total", r.total() + (r.exact() ? "" : c.t("search.moreThan")));
        item(b, c.t("search.shown"), "shown", Integer.toString(r.persons().size()));
        b.append("</dl>");
        if (r.more()) {
            b.append("<p class=\"note\" id=\"more\">").append(esc(c.t("search.more"))).append("</p>");
        }
        if (r.persons().isEmpty()) {
            b.append("<p id=\"none\">").append(esc(c.t("search.none"))).append("</p>");
        } else {
            b.append("<table id=\"persons\"><thead><tr>");
            for (String h : new String[]{"search.store", "search.juminhyoCode", "search.name", "search.birth", "search.sex",
                "search.address", "search.municipality", "search.status", "search.change"}) {
                b.append("<th>").append(esc(c.t(h))).append("</th>");
            }
            b.append("</tr></thead><tbody>");
            for (PersonSearch.Person p : r.persons()) {
                String status = p.deleted() ? "DELETED" : "CURRENT";
                b.append("<tr class=\"").append(status.toLowerCase()).append("\"><td>")
                        .append(esc(c.t("search.stores." + p.store().text()))).append("</td><td class=\"code\">")
                        .append(esc(p.juminhyoCode())).append("</td><td>").append(esc(p.nameKanji())).append("<br><small>")
                        .append(esc(p.nameKana())).append("</small></td><td>").append(esc(p.birthDate())).append("</td><td>")
                        .append(esc(c.t("national.sex." + ("1".equals(p.sex()) ? "1" : "2")))).append("</td><td>")
                        .append(esc(p.address())).append("</td><td>").append(esc(p.municipality())).append("</td><td class=\"status\">")
                        .append(esc(c.t("search." + status))).append(p.abroad() ? " · " + esc(c.t("search.abroad")) : "")
                        .append("</td><td>").append(esc(c.lang().equals("en") ? p.reason() : FormLabels.reason(p.reason()))).append(' ').append(esc(p.changeDate())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<p><a href=\"").append(FORM).append("\" id=\"again\">").append(esc(c.t("search.again"))).append("</a></p>");
        c.page(200, c.t("search.result"), b.toString());
    }

    /** {@code GET /console/search-report}: the period's form. */
    public void reportForm(Exchange e) {
        Console c = new Console(e);
        c.page(200, c.t("nav.search-report"), "<p class=\"note\">" + esc(c.t("report.lead")) + "</p>" + reportForm(c));
    }

    /** {@code POST /console/search-report}: the report. */
    public void report(Exchange e) throws SQLException {
        Console c = new Console(e);
        SearchReport.Report r;
        try {
            r = api.report().report(DeadLettersApi.actor(e), c.field("from"), c.field("to"));
        } catch (SearchRefused x) {
            c.refused(x.status(), x.code(), x.getMessage(), REPORT);
            return;
        }
        StringBuilder b = new StringBuilder("<dl id=\"period\">");
        item(b, c.t("report.from"), "from", r.from().toString());
        item(b, c.t("report.to"), "to", r.to().toString());
        item(b, c.t("report.hours"), "hours", r.hours().toString());
        b.append("</dl><table id=\"days\"><thead><tr>");
        for (String h : new String[]{"report.operator", "report.date", "report.searches", "report.outside", "report.refused"}) {
            b.append("<th>").append(esc(c.t(h))).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (SearchReport.Day d : r.days()) {
            b.append("<tr><td>").append(esc(d.operator())).append("</td><td>").append(d.date()).append("</td><td class=\"n\">")
                    .append(d.searches()).append("</td><td class=\"n\">").append(d.outsideHours()).append("</td><td class=\"n\">")
                    .append(d.refused()).append("</td></tr>");
        }
        b.append("</tbody></table><h2>").append(esc(c.t("report.outsideList"))).append(" (").append(r.outsideTotal())
                .append(")</h2><table id=\"outside\"><thead><tr>");
        for (String h : new String[]{"report.at", "report.operator", "report.terminal", "report.purpose"}) {
            b.append("<th>").append(esc(c.t(h))).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (SearchReport.Outside o : r.outside()) {
            b.append("<tr><td>").append(esc(c.time(o.at()))).append("</td><td>").append(esc(o.operator())).append("</td><td>")
                    .append(esc(o.terminal())).append("</td><td>").append(esc(o.purpose())).append("</td></tr>");
        }
        b.append("</tbody></table><p><a href=\"").append(REPORT).append("\" id=\"again\">")
                .append(esc(c.t("search.again"))).append("</a></p>");
        c.page(200, c.t("nav.search-report"), b.toString());
    }

    private static String form(Console c) {
        StringBuilder b = new StringBuilder("<form method=\"post\" action=\"").append(FORM)
                .append("\" id=\"search\" autocomplete=\"off\">").append(c.csrf()).append("<label>").append(esc(c.t("search.reason")))
                .append(" <input name=\"reason\" id=\"reason\" required maxlength=\"").append(SearchCriteria.PURPOSE_MAX)
                .append("\" size=\"60\"></label><label>").append(esc(c.t("search.stores")))
                .append(" <select name=\"stores\" id=\"stores\">");
        for (String s : new String[]{"both", "honnin", "fuhyo"}) {
            b.append("<option value=\"").append(s).append("\">").append(esc(c.t("search.stores." + s))).append("</option>");
        }
        b.append("</select></label><fieldset><legend>").append(esc(c.t("search.key"))).append("</legend>");
        input(b, c, "juminhyoCode", "text", "inputmode=\"numeric\" pattern=\"[0-9]{11}\" maxlength=\"11\"");
        input(b, c, "myNumber", "password", "inputmode=\"numeric\" pattern=\"[0-9]{12}\" maxlength=\"12\"");
        input(b, c, "nameKana", "text", "maxlength=\"100\"");
        input(b, c, "nameKanji", "text", "maxlength=\"100\"");
        input(b, c, "birthDate", "date", "");
        input(b, c, "birthTo", "date", "");
        b.append("<label>").append(esc(c.t("search.sex"))).append(" <select name=\"sex\" id=\"sex\"><option value=\"\">")
                .append(esc(c.t("national.sex.any"))).append("</option><option value=\"1\">").append(esc(c.t("national.sex.1")))
                .append("</option><option value=\"2\">").append(esc(c.t("national.sex.2"))).append("</option></select></label>");
        input(b, c, "addressPrefix", "text", "maxlength=\"200\"");
        b.append("</fieldset><button type=\"submit\" id=\"submit\">").append(esc(c.t("search.submit"))).append("</button></form>");
        return b.toString();
    }

    private static String reportForm(Console c) {
        StringBuilder b = new StringBuilder("<form method=\"post\" action=\"").append(REPORT).append("\" id=\"report\">")
                .append(c.csrf());
        input(b, c, "report.", "from", "date", "required");
        input(b, c, "report.", "to", "date", "");
        return b.append("<button type=\"submit\" id=\"submit\">").append(esc(c.t("report.submit"))).append("</button></form>")
                .toString();
    }

    private static void input(StringBuilder b, Console c, String name, String type, String attributes) {
        input(b, c, "search.", name, type, attributes);
    }

    private static void input(StringBuilder b, Console c, String prefix, String name, String type, String attributes) {
        b.append("<label>").append(esc(c.t(prefix + name))).append(" <input type=\"").append(type).append("\" name=\"")
                .append(name).append("\" id=\"").append(name).append("\" ").append(attributes).append("></label>");
    }

    private static void item(StringBuilder b, String term, String id, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd id=\"").append(id).append("\">").append(esc(value)).append("</dd>");
    }
}

package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.api.ApiReply;
import jp.tokyo.juki.api.NationalQueryApi;
import jp.tokyo.juki.national.NationalQuery;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import org.apache.camel.Exchange;

/**
 * The console's national query, for a searcher (R-NQ): a form — the national server or the fuhyo
 * national server, one key (住民票コード, My Number, or the 4 items) and the purpose — always
 * posted, so no term is ever in a URL; and the answer page with the outcome and the records. The
 * same capability and audit as {@code /api/national/query} ({@link NationalQueryApi#ask}).
 */
public final class NationalQueryPages {
    private static final String FORM = "/console/national";
    private static final List<String> FOUR = List.of("nameKana", "nameKanji", "birthDate", "sex", "addressPrefix");

    static {
        ConsoleText.add("national.title", "全国照会", "National query");
        ConsoleText.add("national.lead", "全国サーバ（本人確認情報）または附票全国サーバ（附票本人確認情報）に、住民票コード、個人番号、"
                + "または基本4情報のいずれか一つで照会します。照会と回答は操作者・端末・目的とともに監査記録に残ります。",
                "Ask the national server (本人確認情報) or the fuhyo national server (附票本人確認情報) by one key: 住民票コード, "
                        + "My Number or the 4 items. The query and its answer are audited with operator, terminal and purpose.");
        ConsoleText.add("national.server", "照会先", "Server");
        ConsoleText.add("national.honnin", "全国サーバ（本人確認情報）", "National server (honnin)");
        ConsoleText.add("national.fuhyo", "附票全国サーバ（附票本人確認情報）", "Fuhyo national server (annex)");
        ConsoleText.add("national.key", "検索キー（いずれか一つ）", "Key (exactly one)");
        ConsoleText.add("national.juminhyoCode", "住民票コード", "住民票コード");
        ConsoleText.add("national.myNumber", "個人番号（全国サーバのみ）", "My Number (national server only)");
        ConsoleText.add("national.four", "基本4情報（氏名と、生年月日・性別・住所のいずれか）",
                "The 4 items (a name, and birth date, sex or address)");
        ConsoleText.add("national.nameKana", "氏名（カナ）", "Name (kana)");
        ConsoleText.add("national.nameKanji", "氏名（漢字・前方一致）", "Name (kanji, prefix)");
        ConsoleText.add("national.birthDate", "生年月日", "Date of birth");
        ConsoleText.add("national.sex", "性別", "Sex");
        ConsoleText.add("national.sex.any", "指定なし", "any");
        ConsoleText.add("national.sex.1", "男", "male");
        ConsoleText.add("national.sex.2", "女", "female");
        ConsoleText.add("national.addressPrefix", "住所（前方一致）", "Address (prefix)");
        ConsoleText.add("national.reason", "照会の目的（必須・監査記録に残ります）", "Purpose (required, audited)");
        ConsoleText.add("national.ask", "照会する", "Ask");
        ConsoleText.add("national.oneKey", "住民票コード、個人番号、基本4情報のいずれか一つを入力してください",
                "give exactly one of 住民票コード, My Number or the 4 items");
        ConsoleText.add("national.answer", "照会結果", "Answer");
        ConsoleText.add("national.queryId", "照会番号", "Query");
        ConsoleText.add("national.type", "照会種別", "Type");
        ConsoleText.add("national.result", "結果", "Result");
        ConsoleText.add("national.detail", "詳細", "Detail");
        ConsoleText.add("national.result.FOUND", "該当 1 件", "found: 1 record");
        ConsoleText.add("national.result.NOT_FOUND", "該当なし", "nobody matched");
        ConsoleText.add("national.result.SEVERAL", "複数該当（条件を追加してください）", "several matched: give more of the 4 items");
        ConsoleText.add("national.result.UNAVAILABLE", "照会できません（時間をおいて再度照会してください）", "unavailable: ask later");
        ConsoleText.add("national.result.REFUSED", "照会は拒否されました（キーを確認してください）", "refused: correct the key");
        ConsoleText.add("national.again", "新しい照会", "New query");
        ConsoleText.add("record.formerSurname", "旧氏", "Former surname");
        ConsoleText.add("record.name", "氏名", "Name");
        ConsoleText.add("record.address", "住所", "Address");
        ConsoleText.add("record.abroad", "国外転出者", "moved abroad");
        ConsoleText.add("record.lastAddress", "最終住所", "Last address in Japan");
        ConsoleText.add("record.managing", "附票管理市町村", "Managing municipality");
        ConsoleText.add("record.formerCode", "旧住民票コード", "Former 住民票コード");
        ConsoleText.add("record.noticeKind", "通知区分", "Notice kind");
    }

    private final NationalQueryApi api;

    public NationalQueryPages(NationalQueryApi api) {
        this.api = api;
    }

    /** {@code GET /console/national}: the form. */
    public void form(Exchange e) {
        Console c = new Console(e);
        c.page(200, c.t("national.title"), "<p class=\"note\">" + esc(c.t("national.lead")) + "</p>" + form(c));
    }

    /** {@code POST /console/national}: asks, and shows the answer (or the refusal). */
    public void query(Exchange e) {
        Console c = new Console(e);
        ObjectNode body = body(c);
        if (body == null) {
            c.refused(400, "A400", c.t("national.oneKey"), FORM);
            return;
        }
        NationalQueryApi.Answer answer = api.ask(c.session(), body);
        if (answer instanceof NationalQueryApi.Refused r) {
            c.refused(r.status(), r.code(), r.reason(), FORM);
            return;
        }
        NationalQueryApi.Asked asked = (NationalQueryApi.Asked) answer;
        NationalQuery.Outcome<?> o = asked.outcome();
        StringBuilder b = new StringBuilder("<dl id=\"outcome\">");
        item(b, c.t("national.type"), "type", asked.type());
        item(b, c.t("national.queryId"), "query-id", o.queryId());
        item(b, c.t("national.result"), "result", o.result().name() + " — " + c.t("national.result." + o.result().name()));
        item(b, c.t("code"), "reply-code", o.code());
        item(b, c.t("national.detail"), "detail", o.detail());
        b.append("</dl>");
        for (Object r : o.records()) {
            b.append("<h2>").append(esc(c.t("national.juminhyoCode"))).append(' ')
                    .append(esc(r instanceof HonninRecord h ? h.juminhyoCode() : ((FuhyoRecord) r).juminhyoCode())).append("</h2>");
            b.append("<dl class=\"record\">");
            if (r instanceof HonninRecord h) {
                honnin(b, c, h);
            } else {
                fuhyo(b, c, (FuhyoRecord) r);
            }
            b.append("</dl>");
        }
        b.append("<p><a href=\"").append(FORM).append("\" id=\"again\">").append(esc(c.t("national.again"))).append("</a></p>");
        c.page(200, c.t("national.answer"), b.toString());
    }

    /** The API's body from the form's fields, or null unless exactly one kind of key was filled in. */
    private static ObjectNode body(Console c) {
        ObjectNode body = ApiReply.JSON.createObjectNode();
        body.put("fuhyo", "fuhyo".equals(c.field("server")));
        String reason = c.field("reason");
        if (reason != null) {
            body.put("reason", reason);
        }
        ObjectNode key = body.putObject("key");
        ObjectNode four = ApiReply.JSON.createObjectNode();
        for (String item : FOUR) {
            if (c.field(item) != null) {
                four.put(item, c.field(item));
            }
        }
        List<String> kinds = new ArrayList<>();
        if (c.field("juminhyoCode") != null) {
            kinds.add("juminhyoCode");
            key.put("juminhyoCode", c.field("juminhyoCode"));
        }
        if (c.field("myNumber") != null) {
            kinds.add("myNumber");
            key.put("myNumber", c.field("myNumber"));
        }
        if (!four.isEmpty()) {
            kinds.add("fourInfo");
            key.set("fourInfo", four);
        }
        return kinds.size() == 1 ? body : null;
    }

    private static String form(Console c) {
        StringBuilder b = new StringBuilder("<form method=\"post\" action=\"/console/national\" id=\"national\" autocomplete=\"off\">")
                .append(c.csrf()).append("<fieldset><legend>").append(esc(c.t("national.server"))).append("</legend>");
        radio(b, "honnin", c.t("national.honnin"), true);
        radio(b, "fuhyo", c.t("national.fuhyo"), false);
        b.append("</fieldset><fieldset><legend>").append(esc(c.t("national.key"))).append("</legend>");
        input(b, c, "juminhyoCode", "text", "inputmode=\"numeric\" pattern=\"[0-9]{11}\" maxlength=\"11\"");
        input(b, c, "myNumber", "text", "inputmode=\"numeric\" pattern=\"[0-9]{12}\" maxlength=\"12\"");
        b.append("<p>").append(esc(c.t("national.four"))).append("</p>");
        input(b, c, "nameKana", "text", "maxlength=\"100\"");
        input(b, c, "nameKanji", "text", "maxlength=\"100\"");
        input(b, c, "birthDate", "date", "");
        b.append("<label>").append(esc(c.t("national.sex"))).append(" <select name=\"sex\" id=\"sex\"><option value=\"\">")
                .append(esc(c.t("national.sex.any"))).append("</option><option value=\"1\">1 ").append(esc(c.t("national.sex.1")))
                .append("</option><option value=\"2\">2 ").append(esc(c.t("national.sex.2"))).append("</option></select></label>");
        input(b, c, "addressPrefix", "text", "maxlength=\"200\"");
        b.append("</fieldset><label>").append(esc(c.t("national.reason")))
                .append(" <input name=\"reason\" id=\"reason\" required maxlength=\"").append(NationalQueryApi.REASON_MAX)
                .append("\" size=\"60\"></label><button type=\"submit\" id=\"ask\">").append(esc(c.t("national.ask")))
                .append("</button></form>");
        return b.toString();
    }

    private static void radio(StringBuilder b, String value, String label, boolean checked) {
        b.append("<label><input type=\"radio\" name=\"server\" value=\"").append(value).append("\" id=\"server-").append(value)
                .append('"').append(checked ? " checked" : "").append("> ").append(esc(label)).append("</label>");
    }

    private static void input(StringBuilder b, Console c, String name, String type, String attributes) {
        b.append("<label>").append(esc(c.t("national." + name))).append(" <input type=\"").append(type).append("\" name=\"")
                .append(name).append("\" id=\"").append(name).append("\" ").append(attributes).append("></label>");
    }

    private static void item(StringBuilder b, String term, String id, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd id=\"").append(id).append("\">").append(esc(value)).append("</dd>");
    }

    /** One item of a record (a page may show several records: classes, not ids). */
    private static void field(StringBuilder b, String term, String cls, String value) {
        b.append("<dt>").append(esc(term)).append("</dt><dd class=\"").append(cls).append("\">").append(esc(value)).append("</dd>");
    }

    private static void honnin(StringBuilder b, Console c, HonninRecord r) {
        field(b, c.t("record.name"), "name", r.name().kanji() + "（" + r.name().kana() + "）");
        if (r.formerSurname() != null) {
            field(b, c.t("record.formerSurname"), "former-surname", r.formerSurname().kanji() + "（" + r.formerSurname().kana() + "）");
        }
        field(b, c.t("national.birthDate"), "birth-date", r.birthDate());
        field(b, c.t("national.sex"), "sex-of", sex(c, r.sex()));
        field(b, c.t("record.address"), "address", r.address().text() + " [" + r.address().municipalityCode() + ", 大字・字 "
                + r.address().azaCode() + "]");
        field(b, c.t("national.myNumber"), "my-number", r.myNumber());
    }

    private static void fuhyo(StringBuilder b, Console c, FuhyoRecord r) {
        field(b, c.t("record.name"), "name", r.name().kanji() + "（" + r.name().kana() + "）");
        field(b, c.t("national.birthDate"), "birth-date", r.birthDate());
        field(b, c.t("national.sex"), "sex-of", sex(c, r.sex()));
        field(b, c.t("record.address"), "address", r.address().text() + " [" + r.address().municipalityCode() + "]"
                + (r.abroad() ? " " + c.t("record.abroad") : ""));
        field(b, c.t("record.lastAddress"), "last-address", r.lastAddress().text());
        field(b, c.t("record.managing"), "managing", r.managingMunicipalityCode());
        if (r.formerJuminhyoCode() != null) {
            field(b, c.t("record.formerCode"), "former-code", r.formerJuminhyoCode());
        }
        field(b, c.t("record.noticeKind"), "notice-kind", r.noticeKind());
    }

    private static String sex(Console c, String code) {
        return code + " " + c.t("national.sex." + ("1".equals(code) ? "1" : "2"));
    }
}

package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.sql.SQLException;
import java.time.LocalDate;
import jp.tokyo.juki.api.StatisticsApi;
import jp.tokyo.juki.stats.Period;
import jp.tokyo.juki.stats.ReasonNames;
import jp.tokyo.juki.stats.Report;
import jp.tokyo.juki.stats.Statistics;
import org.apache.camel.Exchange;

/**
 * The console's statistics ({@code routes/console-statistics.camel.yaml}; R-STAT; auditors and
 * managers): a form with the period (day, month or fiscal year — 年度 from April), and the report —
 * updates per municipality × 異動事由, provisions per agency × business × outcome, notices per
 * national line, searches per operator, each municipality's last consistency check with overdue ones
 * flagged — with its chart ({@code <img>} of {@code GET /console/statistics/chart.png?period=…&value=…})
 * and a CSV download ({@code GET /console/statistics/report.csv?…}). Counts only, so the period may
 * be in the URL. Each report, chart and file is audited ({@code STATISTICS}) by the same
 * {@link Statistics} the API uses.
 */
public final class StatisticsPages {
    private static final String FORM = "/console/statistics";

    static {
        ConsoleText.add("stats.period", "期間", "Period");
        ConsoleText.add("stats.day", "日", "Day");
        ConsoleText.add("stats.month", "月", "Month");
        ConsoleText.add("stats.fiscal-year", "年度（4月〜3月）", "Fiscal year (April to March)");
        ConsoleText.add("stats.value", "日付・月・年度（例 2026-04-01, 2026-04, 2026）", "Date, month or year (e.g. 2026-04-01, 2026-04, 2026)");
        ConsoleText.add("stats.submit", "集計", "Report");
        ConsoleText.add("stats.note", "件数のみの集計です。集計の都度、監査記録に残ります。",
                "Counts only. Each report is recorded in the audit.");
        ConsoleText.add("stats.counted-to", "集計済みの時刻", "Counted up to");
        ConsoleText.add("stats.csv", "CSVをダウンロード", "Download CSV");
        ConsoleText.add("stats.chart", "更新・提供件数のグラフ", "Chart of updates and provisions");
        ConsoleText.add("stats.updates", "更新件数（市区町村×異動事由）", "Updates (municipality × reason)");
        ConsoleText.add("stats.provisions", "提供件数（機関×業務×結果）", "Provisions (agency × business × outcome)");
        ConsoleText.add("stats.national", "全国サーバへの通知", "Notices to the national servers");
        ConsoleText.add("stats.searches", "操作者別の検索件数", "Searches per operator");
        ConsoleText.add("stats.consistency", "整合性確認（最終実施）", "Consistency checks (last)");
        ConsoleText.add("stats.municipality", "市区町村", "Municipality");
        ConsoleText.add("stats.store", "ファイル", "Store");
        ConsoleText.add("stats.reason", "異動事由", "Reason");
        ConsoleText.add("stats.count", "件数", "Count");
        ConsoleText.add("stats.agency", "機関", "Agency");
        ConsoleText.add("stats.kind", "区分", "Kind");
        ConsoleText.add("stats.business", "業務", "Business");
        ConsoleText.add("stats.outcome", "結果", "Outcome");
        ConsoleText.add("stats.line", "回線", "Line");
        ConsoleText.add("stats.sent", "送信", "Sent");
        ConsoleText.add("stats.accepted", "受理", "Accepted");
        ConsoleText.add("stats.duplicate", "受理済", "Duplicate");
        ConsoleText.add("stats.refused", "拒否", "Refused");
        ConsoleText.add("stats.unanswered", "無応答", "Unanswered");
        ConsoleText.add("stats.dead", "DLQ", "Dead-lettered");
        ConsoleText.add("stats.operator", "操作者", "Operator");
        ConsoleText.add("stats.checked", "最終実施", "Last check");
        ConsoleText.add("stats.records", "照合件数", "Records");
        ConsoleText.add("stats.differing", "不一致", "Differing");
        ConsoleText.add("stats.missing-store", "ストアに無し", "Missing in store");
        ConsoleText.add("stats.missing-cs", "CSに無し", "Missing at CS");
        ConsoleText.add("stats.overdue", "期限超過", "Overdue");
        ConsoleText.add("stats.never", "未実施", "never");
        ConsoleText.add("stats.none", "該当なし", "None");
        ConsoleText.add("stats.total", "合計", "Total");
    }

    private final Statistics statistics;

    public StatisticsPages(Statistics statistics) {
        this.statistics = statistics;
    }

    /** {@code GET /console/statistics}: the form (this fiscal year proposed). */
    public void form(Exchange e) {
        Console c = new Console(e);
        c.page(200, c.t("nav.statistics"), form(c, Period.fiscalYear(Period.fiscalYearOf(LocalDate.now(Period.JST)))));
    }

    /** {@code POST /console/statistics}: the report of the period in the form. */
    public void report(Exchange e) throws SQLException {
        Console c = new Console(e);
        Period p;
        try {
            p = Period.parse(c.field("period"), c.field("value"));
        } catch (Period.Invalid ex) {
            c.refused(400, "T400", ex.getMessage(), FORM);
            return;
        }
        Report r;
        try {
            r = statistics.reportFor(c.session().operatorId(), c.session().terminal(), null, p, "page");
        } catch (Statistics.NotAudited ex) {
            c.refused(503, "A503", "the report could not be audited; nothing was made", FORM);
            return;
        }
        c.page(200, c.t("nav.statistics") + " " + p.label(), form(c, p) + tables(c, r));
    }

    /** {@code GET /console/statistics/chart.png?period=…&value=…}: the chart. */
    public void chart(Exchange e) throws SQLException {
        file(e, "png");
    }

    /** {@code GET /console/statistics/report.csv?period=…&value=…}: the CSV file. */
    public void csv(Exchange e) throws SQLException {
        file(e, "csv");
    }

    private void file(Exchange e, String format) throws SQLException {
        Period p;
        try {
            p = Period.parse(Console.query(e.getMessage(), "period"), Console.query(e.getMessage(), "value"));
        } catch (Period.Invalid ex) {
            new Console(e).refused(400, "T400", ex.getMessage(), FORM);
            return;
        }
        StatisticsApi.answer(e, statistics, p, format, null);
    }

    static String query(Period p) {
        return "period=" + p.kind().text() + "&value=" + p.value();
    }

    private static String form(Console c, Period p) {
        StringBuilder b = new StringBuilder("<p class=\"note\">").append(esc(c.t("stats.note"))).append("</p><form method=\"post\" action=\"")
                .append(FORM).append("\" id=\"statistics-form\">").append(c.csrf()).append("<label>")
                .append(esc(c.t("stats.period"))).append(" <select name=\"period\" id=\"period\">");
        for (Period.Kind k : Period.Kind.values()) {
            b.append("<option value=\"").append(k.text()).append('"').append(k == p.kind() ? " selected" : "").append('>')
                    .append(esc(c.t("stats." + k.text()))).append("</option>");
        }
        return b.append("</select></label><label>").append(esc(c.t("stats.value")))
                .append(" <input name=\"value\" id=\"value\" required maxlength=\"10\" size=\"12\" value=\"")
                .append(esc(p.value())).append("\"></label><button type=\"submit\">").append(esc(c.t("stats.submit")))
                .append("</button></form>").toString();
    }

    /** The report's sections as tables, the chart and the CSV link. */
    static String tables(Console c, Report r) {
        String q = query(r.period());
        StringBuilder b = new StringBuilder("<p id=\"counted-to\">").append(esc(c.t("stats.counted-to"))).append(": ")
                .append(esc(c.time(r.countedTo()))).append(" · <a id=\"csv\" href=\"").append(FORM).append("/report.csv?")
                .append(esc(q)).append("\">").append(esc(c.t("stats.csv"))).append("</a></p>");
        b.append("<p><img id=\"chart\" src=\"").append(FORM).append("/chart.png?").append(esc(q)).append("\" alt=\"")
                .append(esc(c.t("stats.chart"))).append("\" width=\"720\" height=\"360\"></p>");
        section(b, c, "stats.updates", "updates", r.updates().isEmpty(), new String[]{"stats.municipality", "stats.store",
                "stats.reason", "stats.count"});
        for (Report.Update u : r.updates()) {
            row(b, u.municipality() + " " + u.municipalityName(), store(c, u.store()), reason(c, u.reason()), u.count());
        }
        end(b, r.updates().isEmpty() ? null : new Object[]{c.t("stats.total"), "", "", r.totalUpdates()});
        section(b, c, "stats.provisions", "provisions", r.provisions().isEmpty(), new String[]{"stats.agency", "stats.kind",
                "stats.business", "stats.outcome", "stats.count"});
        for (Report.Provision p : r.provisions()) {
            row(b, p.agency(), p.kind(), p.business().isEmpty() ? "-" : p.business(), p.outcome(), p.count());
        }
        end(b, r.provisions().isEmpty() ? null : new Object[]{c.t("stats.total"), "", "", "", r.totalProvisions()});
        section(b, c, "stats.national", "national", false, new String[]{"stats.line", "stats.sent", "stats.accepted",
                "stats.duplicate", "stats.refused", "stats.unanswered", "stats.dead"});
        for (Report.National n : r.national()) {
            row(b, store(c, n.line()), n.sent(), n.accepted(), n.duplicate(), n.refused(), n.unanswered(), n.deadLettered());
        }
        end(b, null);
        section(b, c, "stats.searches", "searches", r.searches().isEmpty(), new String[]{"stats.operator", "stats.count"});
        for (Report.Searches s : r.searches()) {
            row(b, s.operator().isEmpty() ? "-" : s.operator(), s.count());
        }
        end(b, null);
        section(b, c, "stats.consistency", "consistency", false, new String[]{"stats.municipality", "stats.store",
                "stats.checked", "stats.records", "stats.differing", "stats.missing-store", "stats.missing-cs", "stats.overdue"});
        for (Report.Check k : r.consistency()) {
            b.append(k.overdue() ? "<tr class=\"overdue\">" : "<tr>");
            cells(b, k.municipality() + " " + k.municipalityName(), store(c, k.store()),
                    k.checkedAt() == null ? c.t("stats.never") : c.time(k.checkedAt()), dash(k.records()),
                    dash(k.differing()), dash(k.missingInStore()), dash(k.missingAtCs()), k.overdue() ? "⚠ " + c.t("stats.overdue") : "");
            b.append("</tr>");
        }
        end(b, null);
        return b.toString();
    }

    private static void section(StringBuilder b, Console c, String title, String id, boolean empty, String[] headers) {
        b.append("<h2>").append(esc(c.t(title))).append("</h2>");
        if (empty) {
            b.append("<p id=\"").append(id).append("-none\">").append(esc(c.t("stats.none"))).append("</p><table hidden>");
            return;
        }
        b.append("<table id=\"").append(id).append("\"><tr>");
        for (String h : headers) {
            b.append("<th>").append(esc(c.t(h))).append("</th>");
        }
        b.append("</tr>");
    }

    private static void row(StringBuilder b, Object... cells) {
        b.append("<tr>");
        cells(b, cells);
        b.append("</tr>");
    }

    private static void cells(StringBuilder b, Object... cells) {
        for (Object cell : cells) {
            b.append(cell instanceof Number ? "<td class=\"n\">" : "<td>").append(esc(cell)).append("</td>");
        }
    }

    private static void end(StringBuilder b, Object[] total) {
        if (total != null) {
            b.append("<tr class=\"total\">");
            cells(b, total);
            b.append("</tr>");
        }
        b.append("</table>");
    }

    private static Object dash(Long n) {
        return n == null ? "-" : n;
    }

    private static String store(Console c, String store) {
        return "en".equals(c.lang()) ? store : "FUHYO".equals(store) ? "附票本人確認情報" : "本人確認情報";
    }

    /** The Japanese (or English) name of a reason code, for the tables. */
    static String reason(Console c, String code) {
        return "en".equals(c.lang()) ? code : ReasonNames.of(code);
    }
}

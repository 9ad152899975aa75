package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.sql.SQLException;
import java.util.Map;
import java.util.stream.Collectors;
import jp.tokyo.juki.api.DeadLettersApi;
import jp.tokyo.juki.api.RetentionApi;
import jp.tokyo.juki.retention.Retention;
import jp.tokyo.juki.retention.RetentionJob;
import org.apache.camel.Exchange;

/**
 * The console's retention page ({@code routes/console-retention.camel.yaml}; R-RET; an
 * administrator's): each job with its period, switch, today's cut-off, next scheduled run and last
 * run with its counts, and a form to run one job now with a reason — the same {@link Retention}
 * as the API's, audited the same way. Counts only, never a value.
 */
public final class RetentionPages {
    private static final String PAGE = "/console/retention";

    static {
        ConsoleText.add("retention.note", "保存期間を過ぎた記録を消去します（履歴・消除者は150年、施行令30条の6）。"
                        + "消去は監査記録に残り、消去した行は表のファイルからも除かれます。",
                "Erases records past their period (history and deleted persons: 150 years, 施行令30条の6). Each run is "
                        + "audited and erased rows are removed from the table files too.");
        ConsoleText.add("retention.job", "ジョブ", "Job");
        ConsoleText.add("retention.enabled", "定時実行", "Scheduled");
        ConsoleText.add("retention.on", "有効", "on");
        ConsoleText.add("retention.off", "停止", "off");
        ConsoleText.add("retention.period", "保存期間", "Period");
        ConsoleText.add("retention.cutoff", "現在の基準時刻", "Cut-off now");
        ConsoleText.add("retention.next", "次回実行", "Next run");
        ConsoleText.add("retention.last", "前回実行", "Last run");
        ConsoleText.add("retention.erased", "消去件数", "Erased");
        ConsoleText.add("retention.kept", "保存期間フラグにより保存", "Kept by retention flag");
        ConsoleText.add("retention.none", "なし", "none");
        ConsoleText.add("retention.run", "今すぐ実行", "Run now");
        ConsoleText.add("retention.reason", "理由", "Reason");
        ConsoleText.add("retention.submit", "実行", "Run");
        ConsoleText.add("job.history", "履歴・消除者（150年）", "History and deleted persons (150 years)");
        ConsoleText.add("job.accepted-requests", "重複受付の記録（再送期間）", "Idempotency records (resend window)");
        ConsoleText.add("job.provisions", "提供・移転の記録", "Provision records");
        ConsoleText.add("job.audit-archives", "監査記録のアーカイブ", "Audit archives");
    }

    private final Retention retention;

    public RetentionPages(Retention retention) {
        this.retention = retention;
    }

    /** {@code GET /console/retention}: the jobs and the run form. */
    public void show(Exchange e) throws SQLException {
        Console c = new Console(e);
        StringBuilder b = new StringBuilder("<p class=\"note\">").append(esc(c.t("retention.note")))
                .append("</p><table id=\"jobs\"><thead><tr>");
        for (String h : new String[] {"retention.job", "retention.enabled", "retention.period", "retention.cutoff",
                "retention.next", "retention.last", "retention.erased", "retention.kept"}) {
            b.append("<th>").append(esc(c.t(h))).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (Retention.JobStatus s : retention.status()) {
            Retention.Run last = s.lastRun();
            b.append("<tr id=\"job-").append(esc(s.job().id())).append("\"><td>").append(esc(c.t("job." + s.job().id())))
                    .append("<br><code>").append(esc(s.job().id())).append("</code></td><td class=\"")
                    .append(s.enabled() ? "ok" : "refused").append("\">").append(esc(c.t(s.enabled() ? "retention.on" : "retention.off")))
                    .append("</td><td>").append(esc(period(c, s.period()))).append("</td><td>").append(esc(c.time(s.cutoff())))
                    .append("</td><td>").append(s.nextRun() == null ? "-" : esc(c.time(s.nextRun()))).append("</td><td>");
            if (last == null) {
                b.append(esc(c.t("retention.none"))).append("</td><td></td><td></td>");
            } else {
                b.append(esc(c.time(last.startedAt()))).append("<br>").append(esc(last.trigger()))
                        .append(last.operator() == null ? "" : " " + esc(last.operator())).append(" ").append(esc(last.outcome()))
                        .append("</td><td class=\"erased\">").append(esc(counts(last.erased()))).append("</td><td>")
                        .append(s.job() == RetentionJob.HISTORY ? String.valueOf(last.kept()) : "").append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table><h2>").append(esc(c.t("retention.run"))).append("</h2><form method=\"post\" action=\"")
                .append(PAGE).append("/run\" id=\"retention-run\">").append(c.csrf()).append("<label>")
                .append(esc(c.t("retention.job"))).append(" <select name=\"job\" id=\"job\">");
        for (RetentionJob j : RetentionJob.values()) {
            b.append("<option value=\"").append(esc(j.id())).append("\">").append(esc(c.t("job." + j.id()))).append("</option>");
        }
        b.append("</select></label><label>").append(esc(c.t("retention.reason")))
                .append(" <input name=\"reason\" id=\"reason\" required maxlength=\"200\" size=\"60\" autocomplete=\"off\"></label>")
                .append("<button type=\"submit\">").append(esc(c.t("retention.submit"))).append("</button></form>");
        c.page(200, c.t("nav.retention"), b.toString());
    }

    /** {@code POST /console/retention/run}: one job now; back to the page, whose last run shows what it did. */
    public void run(Exchange e) {
        Console c = new Console(e);
        try {
            retention.run(c.field("job"), DeadLettersApi.actor(e), c.field("reason"));
        } catch (Retention.Refused r) {
            c.refused(RetentionApi.status(r.code()), r.code(), r.getMessage(), PAGE);
            return;
        }
        c.redirect(PAGE);
    }

    /** {@code 150 years} as {@code 150年} on a Japanese page. */
    private static String period(Console c, String period) {
        return "ja".equals(c.lang()) ? period.replace(" years", "年").replace(" days", "日") : period;
    }

    private static String counts(Map<String, Long> counts) {
        return counts.isEmpty() ? "-" : counts.entrySet().stream().map(x -> x.getKey() + " " + x.getValue())
                .collect(Collectors.joining(", "));
    }
}

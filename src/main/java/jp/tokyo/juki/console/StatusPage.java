package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jp.tokyo.juki.api.StatusApi;
import jp.tokyo.juki.observe.GatewayStatus;
import org.apache.camel.Exchange;

/**
 * The console's status page, for a maintainer: ready or not, each health check with its state and
 * message, audit lag, dead letters, CS connections and agency requests waiting — what
 * {@code /api/status} answers ({@link StatusApi#read}), at a glance. Figures only.
 */
public final class StatusPage {
    static {
        ConsoleText.add("status.title", "ゲートウェイの状態", "Gateway status");
        ConsoleText.add("status.ready", "受付可否", "Readiness");
        ConsoleText.add("status.ready.yes", "受付可能（READY）", "ready");
        ConsoleText.add("status.ready.no", "受付停止中（NOT READY）", "not ready");
        ConsoleText.add("status.health", "全体の健全性", "Health");
        ConsoleText.add("status.at", "確認時刻", "Checked at");
        ConsoleText.add("status.audit", "監査記録の遅れ", "Audit lag");
        ConsoleText.add("status.audit.value", " 秒（未送信 %d 件）", " s (%d records not yet queued)");
        ConsoleText.add("status.dlq", "デッドレター", "Dead letters");
        ConsoleText.add("status.cs", "CS 接続数", "CS connections");
        ConsoleText.add("status.waiting", "承認待ちの大量照会", "Bulk requests waiting for a manager");
        ConsoleText.add("status.unit", " 件", "");
        ConsoleText.add("status.none", "なし", "none");
        ConsoleText.add("status.checks", "ヘルスチェック", "Health checks");
        ConsoleText.add("status.check", "チェック", "Check");
        ConsoleText.add("status.state", "状態", "State");
        ConsoleText.add("status.readiness", "受付判定", "Readiness");
        ConsoleText.add("status.message", "メッセージ", "Message");
        ConsoleText.add("status.queue", "キュー", "Queue");
        ConsoleText.add("status.municipality", "市区町村コード", "Municipality");
        ConsoleText.add("status.count", "件数", "Count");
        ConsoleText.add("status.note", "個人情報は表示しません。詳しくはゲートウェイのホストで ./gateway status を実行してください。",
                "No personal data is shown. For more, run ./gateway status on the gateway's host.");
    }

    private final StatusApi status;

    public StatusPage(StatusApi status) {
        this.status = status;
    }

    /** {@code GET /console/status}. */
    public void show(Exchange e) throws Exception {
        Console c = new Console(e);
        StatusApi.Status s = status.read(e);
        GatewayStatus g = s.gateway();
        StringBuilder b = new StringBuilder("<dl id=\"summary\">");
        item(b, c.t("status.ready"), "ready", c.t(g.ready() ? "status.ready.yes" : "status.ready.no"), g.ready() ? "ok" : "refused");
        item(b, c.t("status.health"), "health", g.up() ? "UP" : "DOWN", g.up() ? "ok" : "refused");
        item(b, c.t("status.audit"), "audit-lag", String.format(Locale.ROOT, "%.1f", g.auditLagSeconds())
                + String.format(Locale.ROOT, c.t("status.audit.value"), g.auditPending()), null);
        item(b, c.t("status.dlq"), "dead-letters", g.deadLettersTotal() + c.t("status.unit"), g.deadLettersTotal() > 0 ? "refused" : null);
        item(b, c.t("status.cs"), "cs-connections", g.csConnectionsTotal() + c.t("status.unit"), null);
        item(b, c.t("status.waiting"), "agency-waiting", s.agencyWaiting() + c.t("status.unit"), null);
        item(b, c.t("status.at"), "at", ApprovalPages.time(g.at()), null);
        b.append("</dl><h2>").append(esc(c.t("status.checks"))).append("</h2><table id=\"checks\"><thead><tr><th>")
                .append(esc(c.t("status.check"))).append("</th><th>").append(esc(c.t("status.state"))).append("</th><th>")
                .append(esc(c.t("status.readiness"))).append("</th><th>").append(esc(c.t("status.message")))
                .append("</th></tr></thead><tbody>");
        for (GatewayStatus.Check check : g.checks()) {
            b.append("<tr id=\"check-").append(esc(check.name())).append("\"><td>").append(esc(check.name()))
                    .append("</td><td class=\"").append("UP".equals(check.state()) ? "ok" : "refused").append("\">")
                    .append(esc(check.state())).append("</td><td>").append(check.readiness() ? "○" : "")
                    .append("</td><td>").append(esc(check.message())).append("</td></tr>");
        }
        b.append("</tbody></table>");
        table(b, c, c.t("status.dlq"), "dlq", c.t("status.queue"), g.deadLetters());
        table(b, c, c.t("status.cs"), "cs", c.t("status.municipality"), g.csConnections());
        b.append("<p class=\"note\">").append(esc(c.t("status.note"))).append("</p>");
        c.page(200, c.t("status.title"), b.toString());
    }

    private static void item(StringBuilder b, String term, String id, String value, String cls) {
        b.append("<dt>").append(esc(term)).append("</dt><dd id=\"").append(id).append('"')
                .append(cls == null ? "" : " class=\"" + cls + "\"").append('>').append(esc(value)).append("</dd>");
    }

    private static void table(StringBuilder b, Console c, String title, String id, String keyHead, Map<String, Long> values) {
        b.append("<h2>").append(esc(title)).append("</h2>");
        if (values.isEmpty()) {
            b.append("<p id=\"").append(id).append("-none\">").append(esc(c.t("status.none"))).append("</p>");
            return;
        }
        b.append("<table id=\"").append(id).append("\"><thead><tr><th>").append(esc(keyHead)).append("</th><th>")
                .append(esc(c.t("status.count"))).append("</th></tr></thead><tbody>");
        new TreeMap<>(values).forEach((k, v) -> b.append("<tr><td>").append(esc(k)).append("</td><td>").append(v)
                .append("</td></tr>"));
        b.append("</tbody></table>");
    }
}

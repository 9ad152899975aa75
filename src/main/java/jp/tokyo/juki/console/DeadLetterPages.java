package jp.tokyo.juki.console;

import static jp.tokyo.juki.console.Html.esc;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import jp.tokyo.juki.api.ApiReply;
import jp.tokyo.juki.api.DeadLettersApi;
import jp.tokyo.juki.deadletter.DeadLetterDesk;
import jp.tokyo.juki.deadletter.DeadLetterDesk.Refused;
import jp.tokyo.juki.deadletter.DeadLetterDesk.Replayed;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;
import jp.tokyo.juki.operator.Permission;
import org.apache.camel.Exchange;

/**
 * The console's dead letters ({@code routes/console-dlq.camel.yaml}; R-REL-DLQ): the list (no
 * personal data), one dead letter masked, and — for the roles that may — its personal items
 * revealed for a reason, replayed, or discarded for a reason. The same {@link DeadLetterDesk} as
 * the API's: every view and decision is audited with the operator and terminal. A dead letter is
 * named by its id (a UUID, no personal data), sent in the form's body.
 */
public final class DeadLetterPages {
    private static final String BACK = "/console/dlq";

    static {
        ConsoleText.add("dlq.title", "デッドレター", "Dead letters");
        ConsoleText.add("dlq.count", "件のデッドレター", "dead letter(s)");
        ConsoleText.add("dlq.none", "デッドレターはありません。", "There are no dead letters.");
        ConsoleText.add("dlq.id", "ID", "ID");
        ConsoleText.add("dlq.queue", "キュー", "Queue");
        ConsoleText.add("dlq.type", "種別", "Type");
        ConsoleText.add("dlq.origin", "発信元（市区町村/通番）", "Origin (municipality/message)");
        ConsoleText.add("dlq.attempts", "試行回数", "Attempts");
        ConsoleText.add("dlq.code", "エラーコード", "Error code");
        ConsoleText.add("dlq.age", "経過時間", "Age");
        ConsoleText.add("dlq.show", "表示", "Show");
        ConsoleText.add("dlq.detail", "デッドレター", "Dead letter");
        ConsoleText.add("dlq.destination", "再送先", "Destination (where a replay sends it)");
        ConsoleText.add("dlq.outbox", "送信順序番号", "Outbox id");
        ConsoleText.add("dlq.error", "最後のエラー", "Last error");
        ConsoleText.add("dlq.since", "発生時刻", "Dead since");
        ConsoleText.add("dlq.content", "内容", "Content");
        ConsoleText.add("dlq.masked", "個人情報は *** でマスクされています。", "Personal items are masked (***).");
        ConsoleText.add("dlq.revealed", "個人情報を表示しています。この表示は理由とともに監査記録に残ります。",
                "Personal items are shown. This view is recorded in the audit with its reason.");
        ConsoleText.add("dlq.reveal", "個人情報を表示", "Reveal personal items");
        ConsoleText.add("dlq.reveal.reason", "表示する理由", "Why they must be seen");
        ConsoleText.add("dlq.replay", "再送", "Replay");
        ConsoleText.add("dlq.even", "後続の通知があっても再送する", "Replay even if a later notice supersedes it");
        ConsoleText.add("dlq.discard", "破棄", "Discard");
        ConsoleText.add("dlq.discard.reason", "破棄する理由", "Why it is not to be delivered");
        ConsoleText.add("dlq.replayed", "再送しました。再送先:", "Replayed to");
        ConsoleText.add("dlq.discarded", "破棄しました。", "Discarded.");
        ConsoleText.add("dlq.gone", "移動の前になくなっていました（再送または破棄済み）。", "It was gone before it could be moved (replayed or discarded meanwhile).");
        ConsoleText.add("dlq.back", "デッドレター一覧へ", "Back to the dead letters");
    }

    private final DeadLetterDesk desk;

    public DeadLetterPages(DeadLetterDesk desk) {
        this.desk = desk;
    }

    /** {@code GET /console/dlq}: every dead letter, one row each, each with a form to show it. */
    public void list(Exchange e) {
        Console c = new Console(e);
        List<DeadLetter> letters;
        try {
            letters = desk.list(DeadLettersApi.actor(e), null);
        } catch (Refused r) {
            refused(c, r);
            return;
        }
        Instant now = Instant.now();
        StringBuilder b = new StringBuilder();
        if (letters.isEmpty()) {
            b.append("<p id=\"none\">").append(esc(c.t("dlq.none"))).append("</p>");
        } else {
            b.append("<p id=\"count\">").append(letters.size()).append(' ').append(esc(c.t("dlq.count"))).append("</p>");
            b.append("<table id=\"letters\"><tr><th>").append(esc(c.t("dlq.id"))).append("</th><th>").append(esc(c.t("dlq.queue")))
                    .append("</th><th>").append(esc(c.t("dlq.type"))).append("</th><th>").append(esc(c.t("dlq.origin")))
                    .append("</th><th>").append(esc(c.t("dlq.attempts"))).append("</th><th>").append(esc(c.t("dlq.code")))
                    .append("</th><th>").append(esc(c.t("dlq.age"))).append("</th><th></th></tr>");
            for (DeadLetter d : letters) {
                b.append("<tr data-id=\"").append(esc(d.id())).append("\"><td><code>").append(esc(d.id())).append("</code></td><td>")
                        .append(esc(d.queue())).append("</td><td>").append(esc(d.type())).append("</td><td>")
                        .append(esc(orDash(d.originSender()))).append('/').append(esc(orDash(d.originId()))).append("</td><td>")
                        .append(d.attempts()).append("</td><td>").append(esc(d.errorCode())).append("</td><td>")
                        .append(esc(DeadLetterDesk.age(d.deadAt(), now))).append("</td><td>")
                        .append(form(c, "/console/dlq/show", d.id(), "show-" + d.id(), "", c.t("dlq.show"))).append("</td></tr>");
            }
            b.append("</table>");
        }
        c.page(200, c.t("dlq.title"), b.toString());
    }

    /** {@code POST /console/dlq/show}: one dead letter, masked, with the forms the session's roles may use. */
    public void show(Exchange e) {
        Console c = new Console(e);
        try {
            detail(c, desk.show(DeadLettersApi.actor(e), c.field("id")), false);
        } catch (Refused r) {
            refused(c, r);
        }
    }

    /** {@code POST /console/dlq/reveal}: its personal items, for the reason given. */
    public void reveal(Exchange e) {
        Console c = new Console(e);
        try {
            detail(c, desk.reveal(DeadLettersApi.actor(e), c.field("id"), c.field("reason")), true);
        } catch (Refused r) {
            refused(c, r);
        }
    }

    /** {@code POST /console/dlq/replay}: back to the queue it was meant for. */
    public void replay(Exchange e) {
        Console c = new Console(e);
        try {
            Replayed r = desk.replay(DeadLettersApi.actor(e), c.field("id"), "on".equals(c.field("evenIfSuperseded")));
            String text = r.moved() ? c.t("dlq.replayed") + " " + r.letter().original() : c.t("dlq.gone");
            done(c, r.letter().id(), text, r.moved());
        } catch (Refused r) {
            refused(c, r);
        }
    }

    /** {@code POST /console/dlq/discard}: removed for good, for the reason given. */
    public void discard(Exchange e) {
        Console c = new Console(e);
        String id = c.field("id");
        try {
            boolean removed = desk.discard(DeadLettersApi.actor(e), id, c.field("reason"));
            done(c, id, removed ? c.t("dlq.discarded") : c.t("dlq.gone"), removed);
        } catch (Refused r) {
            refused(c, r);
        }
    }

    private void detail(Console c, DeadLetter d, boolean revealed) {
        StringBuilder b = new StringBuilder("<dl id=\"letter\">");
        item(b, c.t("dlq.id"), "<code id=\"letter-id\">" + esc(d.id()) + "</code>");
        item(b, c.t("dlq.queue"), esc(d.queue()));
        item(b, c.t("dlq.type"), esc(d.type()));
        item(b, c.t("dlq.destination"), esc(d.original()));
        item(b, c.t("dlq.origin"), esc(orDash(d.originSender())) + "/" + esc(orDash(d.originId())));
        item(b, c.t("dlq.outbox"), d.outboxId() < 0 ? "-" : Long.toString(d.outboxId()));
        item(b, c.t("dlq.attempts"), Integer.toString(d.attempts()));
        item(b, c.t("dlq.error"), esc(d.errorCode()) + " " + esc(d.error()));
        item(b, c.t("dlq.since"), esc(Jst.of(d.deadAt())) + " (" + esc(DeadLetterDesk.age(d.deadAt(), Instant.now())) + ")");
        b.append("</dl><h2>").append(esc(c.t("dlq.content"))).append("</h2><p class=\"")
                .append(revealed ? "refused" : "note").append("\" id=\"mask-note\">")
                .append(esc(c.t(revealed ? "dlq.revealed" : "dlq.masked"))).append("</p><pre id=\"content\">")
                .append(esc(readable(d.body()))).append("</pre>");
        if (!revealed && c.session().may(Permission.DLQ_REVEAL)) {
            b.append(form(c, "/console/dlq/reveal", d.id(), "reveal", reasonField(c, "dlq.reveal.reason", "reveal-reason"),
                    c.t("dlq.reveal")));
        }
        if (c.session().may(Permission.DLQ_REPLAY)) {
            b.append(form(c, "/console/dlq/replay", d.id(), "replay", "<label><input type=\"checkbox\" name=\"evenIfSuperseded\" "
                    + "id=\"even\"> " + esc(c.t("dlq.even")) + "</label>", c.t("dlq.replay")));
        }
        if (c.session().may(Permission.DLQ_DISCARD)) {
            b.append(form(c, "/console/dlq/discard", d.id(), "discard", reasonField(c, "dlq.discard.reason", "discard-reason"),
                    c.t("dlq.discard")));
        }
        b.append("<p><a href=\"").append(BACK).append("\">").append(esc(c.t("dlq.back"))).append("</a></p>");
        c.page(200, c.t("dlq.detail"), b.toString());
    }

    /** The content as indented JSON when it is JSON (a notice, audit records), else as it is. */
    private static String readable(String body) {
        if (body == null) {
            return "(not text)";
        }
        try {
            return ApiReply.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ApiReply.JSON.readTree(body));
        } catch (IOException e) {
            return body;
        }
    }

    private static void done(Console c, String id, String text, boolean ok) {
        c.page(200, c.t("dlq.detail"), "<p class=\"" + (ok ? "ok" : "refused") + "\" id=\"outcome\"><code>" + esc(id) + "</code> "
                + esc(text) + "</p><p><a href=\"" + BACK + "\">" + esc(c.t("dlq.back")) + "</a></p>");
    }

    private static void refused(Console c, Refused r) {
        c.refused(DeadLettersApi.status(r.code()), r.code(), r.getMessage(), BACK);
    }

    /** A POST form naming one dead letter, with {@code fields} (HTML) before its button. */
    private static String form(Console c, String action, String id, String formId, String fields, String button) {
        return "<form method=\"post\" action=\"" + action + "\" id=\"" + esc(formId) + "\">" + c.csrf()
                + "<input type=\"hidden\" name=\"id\" value=\"" + esc(id) + "\">" + fields + "<button type=\"submit\">"
                + esc(button) + "</button></form>";
    }

    private static String reasonField(Console c, String label, String inputId) {
        return "<label>" + esc(c.t(label)) + " <input name=\"reason\" id=\"" + inputId + "\" required maxlength=\"200\" size=\"60\" "
                + "autocomplete=\"off\"></label>";
    }

    private static void item(StringBuilder b, String term, String html) {
        b.append("<dt>").append(esc(term)).append("</dt><dd>").append(html).append("</dd>");
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}

package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jp.tokyo.juki.operator.Authenticated;
import jp.tokyo.juki.stats.Period;
import jp.tokyo.juki.stats.ReasonNames;
import jp.tokyo.juki.stats.Report;
import jp.tokyo.juki.stats.ReportChart;
import jp.tokyo.juki.stats.ReportCsv;
import jp.tokyo.juki.stats.Statistics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Statistics on the operator API (R-STAT; auditors and managers): {@code POST /api/statistics/report}
 * {@code {"period": "day"|"month"|"fiscal-year", "date": "2026-04-01" | "month": "2026-04" |
 * "fiscalYear": 2026, "format"?: "json"|"csv"|"png", "reason"?}} answers the report as JSON (codes:
 * reasons as {@code record.Reason} names, with their Japanese {@code reasonName}), as the CSV file
 * (UTF-8 with BOM) or as the chart (PNG). Each answer is audited ({@code STATISTICS}) by the
 * capability. Refusals: 400 {@code T400} (period), 503 {@code A503} (not audited, nothing made). The
 * console's statistics pages use {@link #period} and {@link #answer} too.
 */
public final class StatisticsApi {
    private final Statistics statistics;

    public StatisticsApi(Statistics statistics) {
        this.statistics = statistics;
    }

    /** The period a body or form names: {@code period} and, by kind, {@code date}, {@code month} or {@code fiscalYear}. */
    public static Period period(Function<String, String> field) throws Period.Invalid {
        String kind = field.apply("period");
        Period.Kind k = kind == null ? null : Period.Kind.of(kind);
        String value = k == null ? null : field.apply(switch (k) {
            case DAY -> "date";
            case MONTH -> "month";
            case FISCAL_YEAR -> "fiscalYear";
        });
        return Period.parse(kind, value == null ? null : value.strip());
    }

    /** {@code POST /api/statistics/report}. */
    public void report(Exchange e) throws SQLException {
        JsonNode body = e.getProperty(ApiGate.BODY, JsonNode.class);
        String format = ApiReply.text(body, "format");
        format = format == null ? "json" : format;
        if (!List.of("json", "csv", "png").contains(format)) {
            ApiReply.refuse(e, 400, "T400", "format must be json, csv or png");
            return;
        }
        Period period;
        try {
            period = period(name -> ApiReply.text(body, name));
        } catch (Period.Invalid ex) {
            ApiReply.refuse(e, 400, "T400", ex.getMessage());
            return;
        }
        answer(e, statistics, period, format, ApiReply.text(body, "reason"));
    }

    /**
     * Makes the audited report of {@code period} for the session's operator and answers it in
     * {@code format} ({@code json}, {@code csv}, {@code png}); a report that could not be audited
     * is refused 503 {@code A503}.
     */
    public static void answer(Exchange e, Statistics statistics, Period period, String format, String reason)
            throws SQLException {
        Authenticated session = e.getProperty(ApiGate.SESSION, Authenticated.class);
        Report r;
        try {
            r = statistics.reportFor(session.operatorId(), session.terminal(), reason, period, format);
        } catch (Statistics.NotAudited ex) {
            ApiReply.refuse(e, 503, "A503", "the report could not be audited; nothing was made");
            return;
        }
        switch (format) {
            case "csv" -> file(e, ReportCsv.of(r), "text/csv; charset=utf-8", "statistics-" + period.kind().text() + "-"
                    + period.value() + ".csv");
            case "png" -> file(e, ReportChart.png(r), "image/png", "statistics-" + period.kind().text() + "-"
                    + period.value() + ".png");
            default -> ApiReply.ok(e, json(r));
        }
    }

    private static void file(Exchange e, byte[] bytes, String type, String name) {
        Message m = e.getMessage();
        m.setBody(bytes);
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, type);
        m.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
        ApiHeaders.secure(m);
    }

    /** The report as the API's JSON: times as ISO text, codes with their names. */
    public static Map<String, Object> json(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> period = new LinkedHashMap<>();
        period.put("kind", r.period().kind().text());
        period.put("value", r.period().value());
        period.put("label", r.period().label());
        period.put("from", r.period().from().toString());
        period.put("to", r.period().last().toString());
        m.put("period", period);
        m.put("generatedAt", iso(r.generatedAt()));
        m.put("countedTo", iso(r.countedTo()));
        m.put("totalUpdates", r.totalUpdates());
        m.put("totalProvisions", r.totalProvisions());
        List<Map<String, Object>> updates = new ArrayList<>();
        for (Report.Update u : r.updates()) {
            updates.add(row("municipality", u.municipality(), "municipalityName", u.municipalityName(), "store", u.store(),
                    "reason", u.reason(), "reasonName", ReasonNames.of(u.reason()), "count", u.count()));
        }
        m.put("updates", updates);
        List<Map<String, Object>> provisions = new ArrayList<>();
        for (Report.Provision p : r.provisions()) {
            provisions.add(row("agency", p.agency(), "kind", p.kind(), "business", p.business(), "outcome", p.outcome(),
                    "count", p.count()));
        }
        m.put("provisions", provisions);
        List<Map<String, Object>> national = new ArrayList<>();
        for (Report.National n : r.national()) {
            national.add(row("line", n.line(), "sent", n.sent(), "accepted", n.accepted(), "duplicate", n.duplicate(),
                    "refused", n.refused(), "unanswered", n.unanswered(), "deadLettered", n.deadLettered()));
        }
        m.put("national", national);
        List<Map<String, Object>> searches = new ArrayList<>();
        for (Report.Searches s : r.searches()) {
            searches.add(row("operator", s.operator(), "count", s.count()));
        }
        m.put("searches", searches);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Report.Check k : r.consistency()) {
            checks.add(row("municipality", k.municipality(), "municipalityName", k.municipalityName(), "store", k.store(),
                    "checkedAt", iso(k.checkedAt()), "records", k.records(), "matched", k.matched(), "differing",
                    k.differing(), "missingInStore", k.missingInStore(), "missingAtCs", k.missingAtCs(), "consistent",
                    k.consistent(), "overdue", k.overdue()));
        }
        m.put("consistency", checks);
        m.put("consistencyOverdueDays", r.overdueDays());
        List<Map<String, Object>> bars = new ArrayList<>();
        for (Report.Bar b : r.timeline()) {
            bars.add(row("label", b.label(), "updates", b.updates(), "provisions", b.provisions()));
        }
        m.put("timeline", bars);
        return m;
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}

package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.search.PersonSearch;
import jp.tokyo.juki.search.SearchRefused;
import jp.tokyo.juki.search.SearchReport;
import org.apache.camel.Exchange;

/**
 * The search on the operator API ({@code routes/operator-search.camel.yaml}): {@code POST
 * /api/search/persons} (a searcher's; the terms in the body only) {@code {"reason", "stores":
 * ["honnin","fuhyo"]?, "juminhyoCode" | "myNumber" | "nameKana", "nameKanji", "birthDate",
 * "birthTo", "sex", "addressPrefix"}} answers {@code {"kind", "total", "exact", "more", "cap",
 * "shown", "note"?, "persons": [...]}} — never a My Number — and {@code POST /api/search/report}
 * (an auditor's) {@code {"from", "to"}} the 検索件数 report. Both through the capability
 * ({@link PersonSearch}, {@link SearchReport}) as the session's operator at its terminal; refusals
 * {@code K400} (a field) and {@code A503} (not audited).
 */
public final class SearchApi {
    private final PersonSearch search;
    private final SearchReport report;

    public SearchApi(PersonSearch search, SearchReport report) {
        this.search = search;
        this.report = report;
    }

    /** The capabilities, for the console's pages. */
    public PersonSearch search() {
        return search;
    }

    public SearchReport report() {
        return report;
    }

    /** The request of a body (the API's and the console's form, turned into one). */
    public static PersonSearch.Ask ask(JsonNode body) {
        List<String> stores = null;
        JsonNode s = body == null ? null : body.get("stores");
        if (s != null && s.isArray()) {
            stores = new ArrayList<>();
            for (JsonNode n : s) {
                stores.add(n.isTextual() ? n.asText() : "?");
            }
        } else if (s != null && !s.isNull()) {
            stores = List.of("?");
        }
        return new PersonSearch.Ask(ApiReply.text(body, "reason"), stores, ApiReply.text(body, "juminhyoCode"),
                ApiReply.text(body, "myNumber"), ApiReply.text(body, "nameKana"), ApiReply.text(body, "nameKanji"),
                ApiReply.text(body, "birthDate"), ApiReply.text(body, "birthTo"), ApiReply.text(body, "sex"),
                ApiReply.text(body, "addressPrefix"));
    }

    /** {@code POST /api/search/persons}. */
    public void persons(Exchange e) throws SQLException {
        try {
            PersonSearch.Result r = search.search(DeadLettersApi.actor(e), ask(e.getProperty(ApiGate.BODY, JsonNode.class)));
            ApiReply.ok(e, result(r));
        } catch (SearchRefused r) {
            ApiReply.refuse(e, r.status(), r.code(), r.getMessage());
        }
    }

    /** {@code POST /api/search/report}. */
    public void report(Exchange e) throws SQLException {
        JsonNode body = e.getProperty(ApiGate.BODY, JsonNode.class);
        try {
            SearchReport.Report r = report.report(DeadLettersApi.actor(e), ApiReply.text(body, "from"), ApiReply.text(body, "to"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", r.from().toString());
            m.put("to", r.to().toString());
            m.put("workingHours", r.hours().toString());
            List<Map<String, Object>> days = new ArrayList<>();
            for (SearchReport.Day d : r.days()) {
                Map<String, Object> day = new LinkedHashMap<>();
                day.put("operator", d.operator());
                day.put("date", d.date().toString());
                day.put("searches", d.searches());
                day.put("outsideHours", d.outsideHours());
                day.put("refused", d.refused());
                days.add(day);
            }
            m.put("days", days);
            List<Map<String, Object>> outside = new ArrayList<>();
            for (SearchReport.Outside o : r.outside()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("at", o.at().toString());
                x.put("operator", o.operator());
                x.put("terminal", o.terminal());
                x.put("purpose", o.purpose());
                outside.add(x);
            }
            m.put("outsideHours", outside);
            m.put("outsideHoursTotal", r.outsideTotal());
            ApiReply.ok(e, m);
        } catch (SearchRefused r) {
            ApiReply.refuse(e, r.status(), r.code(), r.getMessage());
        }
    }

    /** The note an answer with more matches than shown carries. */
    public static String note(PersonSearch.Result r) {
        return (r.exact() ? r.total() : "more than " + r.total()) + " persons match; " + r.persons().size()
                + " are shown: narrow the search (more of the 4 items, a longer prefix, a shorter range)";
    }

    /** A search's answer as the API gives it: no My Number, ever. */
    static Map<String, Object> result(PersonSearch.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.kind());
        m.put("total", r.total());
        m.put("exact", r.exact());
        m.put("more", r.more());
        m.put("cap", r.cap());
        m.put("shown", r.persons().size());
        if (r.more()) {
            m.put("note", note(r));
        }
        List<Map<String, Object>> persons = new ArrayList<>();
        for (PersonSearch.Person p : r.persons()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("store", p.store().text());
            x.put("juminhyoCode", p.juminhyoCode());
            x.put("nameKanji", p.nameKanji());
            x.put("nameKana", p.nameKana());
            x.put("birthDate", p.birthDate());
            x.put("sex", p.sex());
            x.put("address", p.address());
            x.put("municipality", p.municipality());
            x.put("status", p.deleted() ? "DELETED" : "CURRENT");
            x.put("abroad", p.abroad());
            x.put("reason", p.reason());
            x.put("changeDate", p.changeDate());
            persons.add(x);
        }
        m.put("persons", persons);
        return m;
    }
}

package jp.tokyo.juki.assembly;

import jp.tokyo.juki.api.SearchApi;
import jp.tokyo.juki.console.SearchPages;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.search.PersonSearch;
import jp.tokyo.juki.search.SearchReport;
import jp.tokyo.juki.search.SearchSettings;
import jp.tokyo.juki.search.WorkingHours;
import org.apache.camel.Processor;

/**
 * The search's beans on the operator port (R-SRCH, R-AUD-ANALYSIS): one {@link PersonSearch} reading
 * the honnin store on its role and the fuhyo store on its own, recording in the audit chain as the
 * gateway's database owner (as the audit desk does), capped by {@code juki.search.max-results}; the
 * {@link SearchReport} judged by {@code juki.search.working-hours}; their API actions
 * ({@code apiSearch*}, routes/operator-search.camel.yaml) and console pages ({@code consoleSearch*},
 * routes/console-search.camel.yaml).
 */
final class SearchApiWiring {
    private SearchApiWiring() {
    }

    static void wire(Assembly a) {
        PersonSearch search = new PersonSearch(a.database().forRole(EmbeddedDatabase.HONNIN_ROLE),
                a.database().forRole(EmbeddedDatabase.FUHYO_ROLE), a.database().dataSource(), a.hasher(),
                a.config().get(SearchSettings.MAX_RESULTS), a.config().get(SearchSettings.COUNT_LIMIT));
        SearchReport report = new SearchReport(a.database().dataSource(),
                WorkingHours.parse(a.config().get(SearchSettings.WORKING_HOURS)));
        SearchApi api = new SearchApi(search, report);
        a.bind("apiSearchPersons", (Processor) api::persons);
        a.bind("apiSearchReport", (Processor) api::report);
        SearchPages pages = new SearchPages(api);
        a.bind("consoleSearchForm", (Processor) pages::form);
        a.bind("consoleSearch", (Processor) pages::search);
        a.bind("consoleSearchReportForm", (Processor) pages::reportForm);
        a.bind("consoleSearchReport", (Processor) pages::report);
    }
}

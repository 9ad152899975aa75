package jp.tokyo.juki.assembly;

import java.time.Clock;
import javax.sql.DataSource;
import jp.tokyo.juki.api.StatisticsApi;
import jp.tokyo.juki.console.StatisticsPages;
import jp.tokyo.juki.stats.Rollup;
import jp.tokyo.juki.stats.Statistics;
import jp.tokyo.juki.stats.StatisticsSettings;
import org.apache.camel.Processor;

/**
 * The statistics' beans (R-STAT), on the {@code juki_stats} login's pool: the rollup the timer of
 * routes/statistics.camel.yaml calls ({@code statisticsRollup}), the API action
 * ({@code apiStatisticsReport}, routes/operator-statistics.camel.yaml) and the console's pages
 * ({@code consoleStatistics*}, routes/console-statistics.camel.yaml). The consistency check keeps its
 * results for them through {@link ConsistencyWiring}.
 */
final class StatisticsApiWiring {
    private StatisticsApiWiring() {
    }

    static void wire(Assembly a) {
        StatisticsSettings settings = StatisticsSettings.from(a.config());
        DataSource db = a.database().forRole(StatisticsSettings.ROLE);
        a.bind("statisticsRollup", new Rollup(db, settings.settle()));
        Statistics statistics = new Statistics(db, a.tokyo(), settings, Clock.systemUTC());
        StatisticsApi api = new StatisticsApi(statistics);
        a.bind("apiStatisticsReport", (Processor) api::report);
        StatisticsPages pages = new StatisticsPages(statistics);
        a.bind("consoleStatisticsForm", (Processor) pages::form);
        a.bind("consoleStatistics", (Processor) pages::report);
        a.bind("consoleStatisticsChart", (Processor) pages::chart);
        a.bind("consoleStatisticsCsv", (Processor) pages::csv);
    }
}

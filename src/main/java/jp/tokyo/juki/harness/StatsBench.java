package jp.tokyo.juki.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import jp.tokyo.juki.assembly.DevIdentities;
import jp.tokyo.juki.cli.ApiClient;
import jp.tokyo.juki.cli.OperatorLogin;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.stats.Period;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway bench stats}: a fiscal year at Tokyo's volume — {@code --updates} store versions
 * (current and superseded rows of the honnin store), {@code --provisions} provision records and as many
 * national notices in the audit, spread over the year and the 62 municipalities, seeded in bulk inside
 * the database (not timed) — then the rollup's catch-up (timed: the timer of a running gateway counts
 * them) and the reports of the fiscal year, a month and a day through the real operator API as a
 * manager (timed: the first and the best of {@code --runs}).
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Statistics of a fiscal year at Tokyo's volume: seed, roll up, time the reports through the operator API.")
final class StatsBench implements Callable<Integer> {
    private static final String[] REASONS = {"MOVE_WITHIN", "MOVE_WITHIN", "MOVE_WITHIN", "MOVE_IN", "MOVE_IN", "MOVE_OUT",
        "MOVE_OUT", "BIRTH", "DEATH", "MINOR_CORRECTION", "EX_OFFICIO_CORRECTION", "FORMER_SURNAME"};
    private static final String[] AGENCIES = {"suido", "shuzei", "kyoiku", "shobo"};
    private static final String[] BUSINESSES = {"SUIDO-FEE", "TAX-ASSESS", "SCHOOL-ENROL", "FIRE-REPORT"};
    private static final String[] OUTCOMES = {"FOUND", "FOUND", "FOUND", "FOUND", "FOUND", "FOUND", "FOUND", "FOUND",
        "NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "REFUSED"};

    @Option(names = "--updates", defaultValue = "5000000", description = "Store versions to seed (default: ${DEFAULT-VALUE}).")
    long updates;
    @Option(names = "--provisions", defaultValue = "2000000", description = "Provision records to seed (default: ${DEFAULT-VALUE}).")
    long provisions;
    @Option(names = "--notices", defaultValue = "-1", description = "National notices in the audit (default: as many as updates).")
    long notices;
    @Option(names = "--fiscal-year", defaultValue = "2025", description = "The 年度 the rows are spread over (default: ${DEFAULT-VALUE}).")
    int fiscalYear;
    @Option(names = "--runs", defaultValue = "3", description = "Reports of each period timed (default: ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--chart", paramLabel = "FILE.png", description = "Write the fiscal year's chart here.")
    Path chart;
    @Option(names = "--data", defaultValue = "data/bench-stats", description = "Data directory, emptied first.")
    Path data;
    @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory (dev PKI made if missing).")
    Path keystores;

    @Override
    public Integer call() throws Exception {
        Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
        new DevPki(keystores, "juki-dev".toCharArray()).init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
        DemoCommand.deleteTree(data);
        Files.createDirectories(data);
        long noticeCount = notices < 0 ? updates : notices;
        try (GatewayProcess gateway = GatewayProcess.start(data.resolve("gateway"), Ports.free(), Ports.free(),
                List.of("--keystores", keystores.toString(), "--set", "juki.stats.rollup-ms=1000",
                        "--set", "juki.stats.settle-ms=1000"))) {
            System.out.printf("gateway pid %d (-Xms1g -Xmx1g); seeding %,d updates, %,d provisions, %,d national notices over "
                    + "年度 %d (not timed)%n", gateway.pid(), updates, provisions, noticeCount, fiscalYear);
            long t0 = System.nanoTime();
            seed(gateway, tokyo.municipalityCodes(), noticeCount);
            System.out.printf("seeded in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            long t1 = System.nanoTime();
            waitForRollup(gateway);
            System.out.printf("RESULT stats rollup catch-up (the gateway's timer counting every seeded row): %.1f s%n",
                    (System.nanoTime() - t1) / 1e9);
            DemoOperators ops = DemoOperators.setUp(data.resolve("gateway"), keystores, gateway.operatorPort());
            if (!ops.ok()) {
                ops.report().forEach(System.out::println);
                return 1;
            }
            OperatorLogin login = CommandLine.populateCommand(new OperatorLogin(), "--cert",
                    keystores.resolve(Identities.operator(DemoOperators.MANAGER) + ".p12").toString(),
                    "--password-file", data.resolve("operator-password.txt").toString(), "--terminal", DemoOperators.TERMINAL,
                    "--api", "https://localhost:" + gateway.operatorPort(), "--set", "juki.keystores.dir=" + keystores);
            try (ApiClient api = ApiClient.login(login)) {
                Period fy = Period.fiscalYear(fiscalYear);
                LocalDate mid = fy.from().plusMonths(6).plusDays(14);
                JsonNode year = time(api, "fiscal-year", "fiscalYear", Integer.toString(fiscalYear));
                time(api, "month", "month", mid.toString().substring(0, 7));
                time(api, "day", "date", mid.toString());
                System.out.printf("fiscal year %d: %,d updates and %,d provisions reported; honnin notices sent %,d%n",
                        fiscalYear, year.path("totalUpdates").asLong(), year.path("totalProvisions").asLong(),
                        year.path("national").get(0).path("sent").asLong());
                if (chart != null) {
                    ObjectNode body = ApiClient.body().put("period", "fiscal-year").put("fiscalYear", fiscalYear)
                            .put("format", "png");
                    Files.write(chart, api.download("/api/statistics/report", body));
                    System.out.printf("chart written to %s%n", chart);
                }
                return year.path("totalUpdates").asLong() == updates && year.path("totalProvisions").asLong() == provisions
                        ? 0 : 1;
            }
        }
    }

    /** Times {@link #runs} reports of one period; prints the first and the best. */
    private JsonNode time(ApiClient api, String kind, String key, String value) throws Exception {
        ObjectNode body = ApiClient.body().put("period", kind).put(key, value);
        long[] ms = new long[Math.max(1, runs)];
        JsonNode last = null;
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            last = api.post("/api/statistics/report", body);
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        long first = ms[0];
        Arrays.sort(ms);
        System.out.printf("RESULT stats report %s %s through the operator API: first %d ms, best %d ms, worst %d ms "
                + "(%d runs; %,d update rows, %,d provision rows in the answer)%n", kind, value, first, ms[0], ms[ms.length - 1],
                ms.length, last.path("updates").size(), last.path("provisions").size());
        return last;
    }

    /** Rows made inside the database from generate_series, as the owner: what a year of traffic leaves behind. */
    private void seed(GatewayProcess gateway, List<String> municipalities, long noticeCount) throws SQLException {
        Period fy = Period.fiscalYear(fiscalYear);
        long seconds = fy.end().getEpochSecond() - fy.start().getEpochSecond();
        long history = updates * 2 / 5;
        long current = updates - history;
        String url = "jdbc:postgresql://localhost:" + gateway.dbPort() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", gateway.dbPassword("postgres"))) {
            String spread = "?::timestamptz + ((g * 2654435761) %% %d) * interval '1 second'".formatted(seconds);
            String columns = "juminhyo_code, name_kanji, name_gaiji_count, name_kana, birth_date, sex, address_text, "
                    + "address_gaiji_count, my_number, reason, change_date, retention_flag, kana_normalized, municipality_code, "
                    + "aza_code, updated_at, notified_date, gaiji_flag, deleted, update_seq, name_gaiji_change_seq, "
                    + "address_gaiji_change_seq, origin_sender, origin_id";
            String values = "lpad(g::text, 11, '0'), '統計 太郎', 0, 'トウケイ タロウ', '1980-01-01', '1', '東京都', 0, "
                    + "lpad(g::text, 12, '0'), (?::text[])[1 + g %% %d], (%s)::date, '0', 'トウケイタロウ', "
                    + "(?::text[])[1 + (g / 7) %% %d], '001', %s, (%s)::date, '0', false, g, 0, 0, "
                    + "(?::text[])[1 + (g / 7) %% %d], 'seed-' || g";
            String v = values.formatted(REASONS.length, spread, municipalities.size(), spread, spread, municipalities.size());
            Object[] m = municipalities.toArray();
            run(c, "INSERT INTO honnin.resident (" + columns + ") SELECT " + v + " FROM generate_series(1, ?) g",
                    REASONS, fy.start(), m, fy.start(), fy.start(), m, current);
            run(c, "INSERT INTO honnin.resident_history (" + columns + ", superseded_at, superseded_by_seq) SELECT "
                    + v.replace("g, 0, 0", "g + " + current + ", 0, 0") + ", " + spread + " + interval '1 day', g + "
                    + (current + history) + " FROM generate_series(1, ?) g",
                    REASONS, fy.start(), m, fy.start(), fy.start(), m, fy.start(), history);
            run(c, "SELECT setval('honnin.update_seq', ?)", current + 2 * history);
            for (int i = 0; i < AGENCIES.length; i++) {
                run(c, "INSERT INTO agency.request (agency, file_name, digest, state) VALUES (?, 'bench.req.p7m', "
                        + "repeat('0', 64), 'DONE')", AGENCIES[i]);
            }
            run(c, "INSERT INTO agency.provision (at, request, line, agency, kind, business, outcome) "
                    + "SELECT " + spread + ", (SELECT min(id) FROM agency.request) + g % 4, g, (?::text[])[1 + g % 4], "
                    + "'PROVISION', (?::text[])[1 + g % 4], (?::text[])[1 + (g / 4) % ?] FROM generate_series(1, ?) g",
                    fy.start(), AGENCIES, BUSINESSES, OUTCOMES, OUTCOMES.length, provisions);
            run(c, "INSERT INTO audit.record (event_id, at, line, direction, peer, msg_type, msg_id, sender, status) "
                    + "SELECT gen_random_uuid(), " + spread + ", 'national', 'out', 'national', 'HONNIN_NOTICE', "
                    + "'HN-' || g, '130001', CASE WHEN g % 1000 = 0 THEN 'NACK' ELSE 'ACK' END FROM generate_series(1, ?) g",
                    fy.start(), noticeCount);
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE honnin.resident, honnin.resident_history, agency.provision, audit.record");
            }
        }
    }

    private static void run(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof Object[] array) {
                    ps.setArray(i + 1, c.createArrayOf("text", array));
                } else if (a instanceof Instant t) {
                    ps.setTimestamp(i + 1, Timestamp.from(t));
                } else {
                    ps.setObject(i + 1, a);
                }
            }
            ps.execute();
        }
    }

    /** Until the gateway's timer has counted every row seeded (each source's sequence as it stands now). */
    private static void waitForRollup(GatewayProcess gateway) throws SQLException {
        String[][] sources = {{"HONNIN", "honnin.update_seq"}, {"PROVISION", "agency.provision_id_seq"},
            {"AUDIT", "audit.record_id_seq"}};
        long[] target = new long[sources.length];
        for (int i = 0; i < sources.length; i++) {
            target[i] = gateway.queryLong("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sources[i][1]);
        }
        for (int i = 0; i < sources.length; i++) {
            while (gateway.queryLong("SELECT last_seq FROM stats.rollup_source WHERE source = '" + sources[i][0] + "'")
                    < target[i]) {
                GatewayProcess.sleep(500);
            }
        }
    }
}

package jp.tokyo.juki.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import jp.tokyo.juki.assembly.DevIdentities;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway bench search}: the operators' search (R-SRCH) over a full store. The honnin store
 * (and a share of fuhyo persons) is seeded by COPY with its indexes dropped and rebuilt after
 * ({@link SearchSeed}; not timed), the gateway runs as a child with -Xms1g -Xmx1g, and a searcher drives
 * searches through the real operator API (TLS 1.3, certificate, session) with keys drawn from the
 * seeded population, six kinds mixed; prints p50/p99 per kind and the plan of each kind.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"The operators' search over a seeded store, end to end through the operator API: p50/p99 per key "
                + "kind (target p99 <= 50 ms at 14,000,000 persons, gateway heap <= 1 GiB) and EXPLAIN (ANALYZE, BUFFERS) "
                + "of each kind."})
final class SearchBench implements Callable<Integer> {
    static final List<String> KINDS = List.of("juminhyoCode", "myNumber", "nameKana+birthDate", "nameKanji", "birthRange+sex",
            "addressPrefix");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--persons", defaultValue = "1000000", description = "Honnin persons seeded (default: ${DEFAULT-VALUE}).")
    int persons;
    @Option(names = "--fuhyo-share", defaultValue = "0.05", description = "Fuhyo persons, as a share of --persons (default: ${DEFAULT-VALUE}).")
    double fuhyoShare;
    @Option(names = "--searches", defaultValue = "300", description = "Timed searches per key kind (default: ${DEFAULT-VALUE}).")
    int searches;
    @Option(names = "--data", defaultValue = "data/bench-search", description = "Data directory, emptied first.")
    Path data;
    @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
    Path keystores;
    @Option(names = "--set", description = "Gateway configuration overrides, key=value.")
    Map<String, String> set = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
        new DevPki(keystores, "juki-dev".toCharArray()).init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
        DemoCommand.deleteTree(data);
        Files.createDirectories(data);
        List<String> extra = new ArrayList<>(List.of("--keystores", keystores.toString()));
        set.forEach((k, v) -> extra.addAll(List.of("--set", k + "=" + v)));
        try (GatewayProcess gateway = GatewayProcess.start(data.resolve("gateway"), Ports.free(), Ports.free(), extra)) {
            System.out.printf("bench search: %,d honnin persons + %,d fuhyo persons, gateway pid %d (-Xms1g -Xmx1g)%n", persons,
                    (long) (persons * fuhyoShare), gateway.pid());
            SearchSeed seed = new SearchSeed(tokyo);
            long t0 = System.nanoTime();
            seed.seed(gateway, persons, (long) (persons * fuhyoShare));
            System.out.printf("seeded by COPY, indexes rebuilt after, VACUUM ANALYZE: %.1f s (not timed below); %s%n",
                    (System.nanoTime() - t0) / 1e9, seed.sizes(gateway));
            DemoOperators ops = DemoOperators.setUp(data.resolve("gateway"), keystores, gateway.operatorPort());
            if (!ops.ok()) {
                ops.report().forEach(System.err::println);
                return 1;
            }
            KeyMaterial keys = new KeyMaterial(keystores, "juki-dev".toCharArray(), Duration.ofSeconds(5));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(keys.sslContext(Identities.operator(DemoOperators.SEARCHER), Identities.exactly(Identities.GATEWAY),
                            "bench-search")).build();
            String base = "https://localhost:" + gateway.operatorPort();
            JsonNode session = post(http, base, null, "/api/session/login", JSON.createObjectNode()
                    .put("password", DemoOperators.PASSWORD).put("terminal", DemoOperators.TERMINAL));
            String token = session.path("token").asText();
            SplittableRandom random = new SplittableRandom(13);
            Map<String, long[]> times = new LinkedHashMap<>();
            Map<String, Long> found = new LinkedHashMap<>();
            Map<String, ObjectNode> sample = new LinkedHashMap<>();
            for (String kind : KINDS) {
                times.put(kind, new long[searches]);
                found.put(kind, 0L);
            }
            for (int warm = 0; warm < 50; warm++) {
                post(http, base, token, "/api/search/persons", seed.key(KINDS.get(warm % KINDS.size()), random, persons));
            }
            for (int n = 0; n < searches; n++) {
                for (String kind : KINDS) {
                    ObjectNode body = seed.key(kind, random, persons);
                    sample.putIfAbsent(kind, body);
                    long s = System.nanoTime();
                    JsonNode a = post(http, base, token, "/api/search/persons", body);
                    times.get(kind)[n] = System.nanoTime() - s;
                    found.merge(kind, a.path("total").asLong(), Long::sum);
                }
            }
            boolean met = true;
            for (String kind : KINDS) {
                long[] t = times.get(kind);
                Arrays.sort(t);
                double p50 = t[t.length / 2] / 1e6;
                double p99 = t[Math.min(t.length - 1, (int) Math.ceil(t.length * 0.99) - 1)] / 1e6;
                met &= p99 <= 50;
                System.out.printf("RESULT search %-20s p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (%d searches, %.1f matches "
                        + "on average)%n", kind, p50, p99, t[t.length - 1] / 1e6, t.length, found.get(kind) / (double) t.length);
            }
            System.out.printf("RESULT target p99 <= 50 ms per key kind at %,d persons: %s%n", persons, met ? "met" : "MISSED");
            for (Map.Entry<String, ObjectNode> k : sample.entrySet()) {
                System.out.println("PLAN " + k.getKey() + ":");
                seed.explain(gateway, k.getValue()).forEach(line -> System.out.println("  " + line));
            }
            System.out.printf("RESULT gateway memory: heap after the last GC %s MiB (limit 1024), RSS %d MiB, peak RSS %d MiB%n",
                    gateway.heapAfterGcMiB().isPresent() ? gateway.heapAfterGcMiB().getAsLong() : "?",
                    gateway.memoryMiB()[0], gateway.memoryMiB()[1]);
            ops.close();
            return met ? 0 : 1;
        }
    }

    private static JsonNode post(HttpClient http, String base, String token, String path, ObjectNode body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + JSON.readTree(r.body()).path("code"));
        }
        return JSON.readTree(r.body());
    }

    /** The database owner's connection, for the seed's DDL and the plans (never for a timed search). */
    static Connection owner(GatewayProcess gateway) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + gateway.dbPort() + "/postgres", "postgres",
                gateway.dbPassword("postgres"));
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> lines(PreparedStatement ps) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}

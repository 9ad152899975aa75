package jp.tokyo.juki.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.LongStream;
import jp.tokyo.juki.honnin.HonninBulkLoad;
import jp.tokyo.juki.sim.ResidentSet;

/**
 * Seeds a benchmark gateway's honnin store directly (bulk COPY, not over the wire) with the first
 * persons of a {@link ResidentSet}, then settles the table as a long-lived store is; the benches
 * that need a full store ({@code consistency}, {@code agency}) time and report it themselves.
 */
final class HonninSeed {
    private HonninSeed() {
    }

    /** @return the persons seeded */
    static long seed(GatewayProcess gateway, ResidentSet residents, int persons, String municipality)
            throws SQLException {
        String url = "jdbc:postgresql://localhost:" + gateway.dbPort() + "/postgres";
        long seeded;
        try (Connection c = DriverManager.getConnection(url, "juki_honnin", gateway.dbPassword("juki_honnin"))) {
            seeded = HonninBulkLoad.load(c, LongStream.range(0, persons)
                    .mapToObj(residents::honnin).iterator(), persons, municipality);
        }
        try (Connection c = DriverManager.getConnection(url, "postgres", gateway.dbPassword("postgres"));
             Statement s = c.createStatement()) {
            // settle the freshly loaded table as a long-lived store is: statistics, hint bits, visibility map
            s.execute("VACUUM ANALYZE honnin.resident");
        }
        return seeded;
    }
}

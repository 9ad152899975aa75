package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import jp.tokyo.juki.testkit.GatewayChild;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decision 41: a new embedded PostgreSQL has its WAL files made before the gateway serves anyone, so the first minutes'
 * commits do not wait while a new file is zero-filled every few seconds; a later start finds them and makes none.
 * Against a real PostgreSQL 17.
 */
class WalSegmentsIT {
    private Path data;

    @BeforeEach
    void directory() throws Exception {
        data = Files.createTempDirectory("juki-wal-ready");
    }

    @AfterEach
    void clean() {
        GatewayChild.deleteTree(data);
    }

    private EmbeddedDatabase start() throws Exception {
        return EmbeddedDatabase.start(GatewayConfig.load(Path.of("config/application.properties"),
                Map.of("juki.data.dir", data.toString(), "juki.db.embedded.shared-buffers", "32MB",
                        "juki.db.embedded.min-wal-size", "256MB")));
    }

    @Test
    void aNewDatabaseHasMinWalSizeOfWalFilesReadyAndALaterStartMakesNone() throws Exception {
        try (EmbeddedDatabase db = start()) {
            // 256 MB of 16 MiB files, the one being written among them
            assertThat(walFiles(db)).isGreaterThanOrEqualTo(16);
            assertThat(WalSegments.makeReady(db.dataSource())).as("already there").isZero();
            // the WAL after them goes into files already made: no new one while less than min_wal_size is written
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE scratch_wal AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 200000) g");
                st.execute("DROP TABLE scratch_wal");
            }
            assertThat(walFiles(db)).isLessThanOrEqualTo(17);
        }
        try (EmbeddedDatabase db = start()) {
            assertThat(walFiles(db)).isGreaterThanOrEqualTo(16);
            assertThat(WalSegments.makeReady(db.dataSource())).as("kept across a restart").isZero();
        }
    }

    private static long walFiles(EmbeddedDatabase db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

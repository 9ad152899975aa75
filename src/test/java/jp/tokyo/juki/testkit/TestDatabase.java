package jp.tokyo.juki.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;

/**
 * The gateway's own embedded PostgreSQL, alone (its migrations, its roles), for tests of what runs against it: in a
 * temporary directory with a small shared buffer, deleted on {@link #close}.
 */
public final class TestDatabase implements AutoCloseable {
    private final Path data;
    private final EmbeddedDatabase db;

    private TestDatabase(Path data, EmbeddedDatabase db) {
        this.data = data;
        this.db = db;
    }

    /** Starts the database as the gateway configures it (config/application.properties); {@code name} names its directory. */
    public static TestDatabase start(String name) throws Exception {
        Path data = Files.createTempDirectory(name);
        return new TestDatabase(data, EmbeddedDatabase.start(GatewayConfig.load(Path.of("config/application.properties"),
                Map.of("juki.data.dir", data.toString(), "juki.keystores.dir", TestPki.dir().toString(),
                        "juki.db.embedded.shared-buffers", "32MB"))));
    }

    public EmbeddedDatabase db() {
        return db;
    }

    @Override
    public void close() {
        db.close();
        GatewayChild.deleteTree(data);
    }
}

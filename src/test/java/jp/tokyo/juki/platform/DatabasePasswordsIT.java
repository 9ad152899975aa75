package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.testkit.GatewayChild;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 15 review, finding 1: the embedded PostgreSQL never lets a login in without its password,
 * not even to recover. A lost {@code pg-credentials.properties} stops the start, naming
 * {@code ./gateway db reset-passwords}, which sets new passwords with the database stopped
 * (single-user mode); a file from an older backup gets the roles it lacks; a first start killed
 * before {@code pg_hba.conf} was replaced starts again. Against a real PostgreSQL 17.
 */
class DatabasePasswordsIT {
    private static final List<String> ROLES = List.of("postgres", "juki_honnin", "juki_fuhyo", "juki_link", "juki_agency",
            "juki_lease");
    private Path data;

    @BeforeEach
    void firstStart() throws Exception {
        data = Files.createTempDirectory("juki-db-passwords");
        start().close();
    }

    @AfterEach
    void clean() {
        GatewayChild.deleteTree(data);
    }

    private EmbeddedDatabase start() throws IOException {
        return EmbeddedDatabase.start(GatewayConfig.load(Path.of("config/application.properties"),
                Map.of("juki.data.dir", data.toString(), "juki.db.embedded.shared-buffers", "32MB")));
    }

    private void assertEveryRoleLogsInWithItsPasswordOnly(EmbeddedDatabase db) throws Exception {
        DatabaseLogins logins = DatabaseLogins.of(data);
        for (String role : ROLES) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), role, logins.password(role))) {
                assertThat(c.isValid(5)).as(role).isTrue();
            }
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), role, "")).as(role).isNotNull();
        }
        assertThat(Files.readString(data.resolve("pg/pg_hba.conf"))).doesNotContain("trust").contains("scram-sha-256");
    }

    private static int cli(String... args) {
        return new CommandLine(new GatewayCli()).execute(args);
    }

    @Test
    void aLostPasswordFileStopsTheStartAndResetPasswordsBringsItBackWithoutATrustWindow() throws Exception {
        Files.delete(data.resolve(DatabaseLogins.FILE));
        String hbaBefore = Files.readString(data.resolve("pg/pg_hba.conf"));
        assertThatThrownBy(this::start).isInstanceOf(IOException.class)
                .hasMessageContaining("pg-credentials.properties")
                .hasMessageContaining("./gateway db reset-passwords --data " + data);
        // nothing was opened meanwhile
        assertThat(Files.readString(data.resolve("pg/pg_hba.conf"))).isEqualTo(hbaBefore).doesNotContain("trust");
        assertThat(Files.exists(data.resolve("pg/postmaster.pid"))).isFalse();

        long t0 = System.nanoTime();
        assertThat(cli("db", "reset-passwords", "--data", data.toString())).isZero();
        System.out.printf("db reset-passwords: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(DatabaseLogins.FILE))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(data.resolve("pg/pg_hba.conf"))).isEqualTo(hbaBefore);
        try (EmbeddedDatabase db = start()) {
            assertEveryRoleLogsInWithItsPasswordOnly(db);
        }
    }

    @Test
    void resetPasswordsRefusesWhileTheDatabaseRuns() throws Exception {
        try (EmbeddedDatabase db = start()) {
            String before = Files.readString(data.resolve(DatabaseLogins.FILE));
            assertThat(cli("db", "reset-passwords", "--data", data.toString())).isEqualTo(1);
            assertEveryRoleLogsInWithItsPasswordOnly(db);
            assertThat(Files.readString(data.resolve(DatabaseLogins.FILE))).isEqualTo(before);
        }
    }

    @Test
    void aPasswordFileFromAnOlderBackupGetsTheRolesItLacks() throws Exception {
        Path file = data.resolve(DatabaseLogins.FILE);
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        p.remove("juki_link");
        p.remove("juki_agency");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        try (EmbeddedDatabase db = start()) {
            assertEveryRoleLogsInWithItsPasswordOnly(db);
        }
    }

    @Test
    void aFirstStartKilledBeforePgHbaWasReplacedStartsAgain() throws Exception {
        // killed after the file got a role's password but before ALTER ROLE and pg_hba.conf: initdb's trust,
        // and the file's password of juki_honnin not the role's
        Files.writeString(data.resolve("pg/pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n"
                + "host all all ::1/128 trust\n");
        Path file = data.resolve(DatabaseLogins.FILE);
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        p.setProperty("juki_honnin", "a-password-written-before-the-kill");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        try (EmbeddedDatabase db = start()) {
            assertEveryRoleLogsInWithItsPasswordOnly(db);
        }
    }
}
